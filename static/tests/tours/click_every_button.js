/**
 * Clicks every button a Xero screen shows, one at a time, the way a user does,
 * and fails on a crash: an "Oops! Something went wrong" dialog, a server error
 * that is not a message for the user, or a JavaScript error (which the test
 * runner catches on its own). Buttons are found on the screen, not listed:
 * new ones are clicked without anyone adding them here.
 *
 * The Python test sets ``window.xeroClickConfig`` and starts the tour
 * ``xero_click_every_button`` on the screen's URL:
 * A button that opens a dialog with a form (a wizard) is clicked again for
 * each button of that dialog.
 *   tabs      notebook tab labels to open in turn (null: none), "notebook" for
 *             every tab, "searchpanel" for every value of the search panel;
 *             none: the screen as it opens
 *   selectors where the buttons are (default: the whole action)
 *   selectAll also click the list's header buttons with every row selected
 *   first     button names clicked before the others
 *   last      button names clicked after all the others (they end the access
 *             the others need)
 * A button that a click hides (Push all once nothing differs) is not
 * clicked: a test wanting it runs the tour again with it first.
 */
import { browser } from "@web/core/browser/browser";
import { rpcBus } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { App } from "@odoo/owl";

// What the web client shows as a message for the user; anything else is a crash.
const USER_FACING = [
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.RedirectWarning",
];
const BUTTONS = "button[type='object'], button[type='action']";

const pending = new Set();
const rpcErrors = [];
const opened = [];

function listen() {
    rpcBus.addEventListener("RPC:REQUEST", ({ detail }) => pending.add(detail.data.id));
    rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => {
        pending.delete(detail.data.id);
        if (detail.error) {
            rpcErrors.push(detail.error);
        }
    });
    // Links to Xero and the OAuth redirect leave Odoo: note them instead.
    browser.open = (url) => {
        opened.push(String(url));
        return { closed: false, close() {} };
    };
    Object.defineProperty(browser, "location", {
        configurable: true,
        get: () => ({ ...window.location, assign: (url) => opened.push(String(url)),
                      reload: () => opened.push("reload"), href: window.location.href }),
        set: (url) => opened.push(String(url)),
    });
}

function owlBusy() {
    return [...App.apps].some((app) => app.scheduler.tasks.size > 0);
}

/** Wait until no request is pending and the screen has stopped changing. */
async function settle(timeout = 60000) {
    const start = Date.now();
    let quiet = 0;
    while (quiet < 4) {
        if (Date.now() - start > timeout) {
            throw new Error(`The screen did not settle within ${timeout / 1000} s`);
        }
        await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => requestAnimationFrame(r));
        quiet = pending.size || owlBusy() ? 0 : quiet + 1;
    }
}

function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
}

function label(button) {
    return (button.innerText || button.title || button.getAttribute("aria-label") || "").trim();
}

/** What identifies a button from one load of the screen to the next. */
function keyOf(tab, selected, button) {
    // A button of the control panel, the form's header or its smart buttons
    // is the same on every tab; one on a line is clicked once per kind of
    // line button, on the first line showing it.
    const shared = button.closest(".o_control_panel, .o_form_statusbar, .oe_button_box");
    return JSON.stringify([shared ? null : tab, selected, button.getAttribute("name"), label(button)]);
}

function buttonsOnScreen(config, tab, selected) {
    const root = document.querySelector(".o_action_manager");
    const found = new Map();
    for (const selector of config.selectors || [BUTTONS]) {
        for (const button of root.querySelectorAll(selector)) {
            if (button.matches(BUTTONS) && visible(button) && !button.disabled) {
                found.set(keyOf(tab, selected, button), button);
            }
        }
    }
    return found;
}

function click(el) {
    for (const type of ["mouseover", "mousedown", "mouseup", "click"]) {
        el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window }));
    }
}

async function openTab(tab) {
    if (tab === null) {
        return;
    }
    const [kind, text] = tab;
    const candidates =
        kind === "searchpanel"
            ? document.querySelectorAll(".o_search_panel_category_value header")
            : document.querySelectorAll(".o_notebook .nav-link");
    const target = [...candidates].find((el) => el.innerText.trim().startsWith(text));
    if (!target) {
        return false;
    }
    click(target);
    await settle();
    return true;
}

async function selectAll() {
    const box = document.querySelector("thead .o_list_record_selector input");
    if (!box) {
        return false;
    }
    click(box);
    box.checked || box.click();
    await settle();
    return document.querySelectorAll(".o_data_row .o_list_record_selector input:checked").length > 0;
}

function tabsOf(config) {
    if (config.tabs === "notebook") {
        return [...document.querySelectorAll(".o_notebook .nav-link")].map((el) => [
            "notebook",
            el.innerText.trim(),
        ]);
    }
    if (config.tabs === "searchpanel") {
        return [...document.querySelectorAll(".o_search_panel_category_value header")].map(
            (el) => ["searchpanel", el.innerText.trim().split("\n")[0]]
        );
    }
    return (config.tabs || [null]).map((t) => (t === null ? null : ["notebook", t]));
}

/** The dialog showing a form (a wizard), if one is open. */
function formDialog() {
    const dialog = [...document.querySelectorAll(".modal .modal-content")].pop();
    return dialog && dialog.querySelector(".o_form_view") ? dialog : null;
}

/** Check what the click led to; close dialogs (confirming a confirmation). */
async function checkOutcome(description, messages) {
    for (const error of rpcErrors.splice(0)) {
        const name = error.data?.name || error.name;
        if (!USER_FACING.includes(name)) {
            throw new Error(`${description}: the server crashed: ${name}: ${error.data?.message || error.message}\n${error.data?.debug || ""}`);
        }
        if (!(error.data?.message || "").trim()) {
            throw new Error(`${description}: ${name} without a message for the user`);
        }
    }
    for (let round = 0; round < 5; round++) {
        const dialog = [...document.querySelectorAll(".modal .modal-content")].pop();
        if (!dialog) {
            return;
        }
        const text = dialog.innerText;
        if (dialog.classList.contains("o_error_dialog") || dialog.querySelector(".o_error_dialog")) {
            if (/Something went wrong|Oops!/.test(text)) {
                throw new Error(`${description}: error dialog:\n${text.slice(0, 1500)}`);
            }
            messages.push(`${description}: ${text.replace(/\s+/g, " ").slice(0, 200)}`);
            click(dialog.querySelector(".modal-footer .btn-primary, .btn-close"));
        } else if (!dialog.querySelector(".o_form_view, .o_list_view") &&
                   dialog.querySelector(".modal-footer .btn-primary")) {
            // A confirmation (button's confirm="..."): go on, as the user who clicked.
            click(dialog.querySelector(".modal-footer .btn-primary"));
        } else {
            messages.push(`${description}: opened "${dialog.querySelector(".modal-title")?.innerText}"`);
            click(dialog.querySelector(".btn-close") || dialog.querySelector(".modal-footer .btn-secondary"));
        }
        await settle();
        for (const error of rpcErrors.splice(0)) {
            const name = error.data?.name || error.name;
            if (!USER_FACING.includes(name)) {
                throw new Error(`${description} (dialog): the server crashed: ${name}: ${error.data?.message}`);
            }
        }
    }
    throw new Error(`${description}: dialogs keep opening`);
}

export async function clickEveryButton(config) {
    listen();
    await settle();
    const action = odoo.__WOWL_DEBUG__.root.env.services.action;
    const start = action.currentController.jsId;
    const phaseOf = (button) => {
        const name = button.getAttribute("name");
        return (config.first || []).includes(name) ? 0 : (config.last || []).includes(name) ? 2 : 1;
    };
    // Phases without a button named in first / last are skipped: each visit
    // of a pass reloads the screen.
    const phases = [0, 1, 2].filter(
        (phase) => phase === 1 || (phase === 0 ? config.first : config.last)?.length
    );
    const clicked = [];
    const messages = [];
    const done = new Set();
    const reset = async () => {
        for (const close of document.querySelectorAll(".modal .btn-close")) {
            click(close);
        }
        await settle();
        await action.restore(start);
        await settle();
    };
    // A pass: a tab, with or without every line selected, and possibly the
    // dialog a button of it opens (a wizard: its buttons are clicked too).
    const passes = [];
    for (const tab of tabsOf(config)) {
        passes.push([tab, false, null]);
        if (config.selectAll) {
            passes.push([tab, true, null]);
        }
    }
    // The buttons a pass shows, after a fresh load; null when it cannot be
    // shown (tab gone, no line to select, the opener or its dialog gone).
    const show = async ([tab, selected, opener]) => {
        await reset();
        if ((await openTab(tab)) === false || (selected && !(await selectAll()))) {
            return null;
        }
        const buttons = buttonsOnScreen(config, tab, selected);
        if (!opener) {
            return buttons;
        }
        if (!buttons.has(opener)) {
            return null;
        }
        click(buttons.get(opener));
        await settle();
        const dialog = formDialog();
        if (!dialog) {
            return null;
        }
        return new Map(
            [...dialog.querySelectorAll(BUTTONS)]
                .filter((b) => visible(b) && !b.disabled)
                .map((b) => [`${opener} > ${keyOf(null, false, b)}`, b])
        );
    };
    // Until a whole round finds nothing new: what a last button shows
    // (Reconnect after Revoke) is clicked too.
    let progress = true;
    while (progress && clicked.length < (config.maxClicks || 150)) {
        progress = false;
        for (const phase of phases) {
            for (let index = 0; index < passes.length; index++) {
                const pass = passes[index];
                let buttons;
                while ((buttons = await show(pass))) {
                    const next = [...buttons].find(([key, b]) => !done.has(key) && phaseOf(b) === phase);
                    if (!next) {
                        break;
                    }
                    const [key, button] = next;
                    done.add(key);
                    progress = true;
                    const description = `button "${label(button)}" (${button.getAttribute("name")}) ${key}`;
                    browser.console.log(`Clicking ${description}`);
                    clicked.push(button.getAttribute("name"));
                    rpcErrors.splice(0);
                    click(button);
                    await settle();
                    if (!pass[2] && formDialog() && !passes.some((p) => p[2] === key)) {
                        passes.push([pass[0], pass[1], key]);
                    }
                    await checkOutcome(description, messages);
                }
            }
        }
    }
    await reset();
    browser.console.log(`xero-clicked: ${JSON.stringify({ clicked, messages, opened })}`);
    if (!clicked.length) {
        throw new Error("No button found on the screen");
    }
}

// A tour step may last one minute at most: the clicking runs on its own and
// the steps after the first wait for it, a minute each.
const WAITING_STEPS = 15;
let running = null;

registry.category("web_tour.tours").add("xero_click_every_button", {
    steps: () => [
        {
            trigger: ".o_action_manager .o_view_controller",
            run: () => {
                running = { done: false, error: null };
                const state = running;
                clickEveryButton(window.xeroClickConfig || {}).then(
                    () => (state.done = true),
                    (error) => (state.error = error)
                );
            },
        },
        ...Array.from({ length: WAITING_STEPS }, (_, index) => ({
            trigger: "body",
            timeout: 60000,
            run: async () => {
                const until = Date.now() + 50000;
                while (!running.done && !running.error && Date.now() < until) {
                    await new Promise((r) => setTimeout(r, 100));
                }
                if (running.error) {
                    throw running.error;
                }
                if (index === WAITING_STEPS - 1 && !running.done) {
                    throw new Error(`Still clicking after ${WAITING_STEPS * 50} s`);
                }
            },
        })),
    ],
});
