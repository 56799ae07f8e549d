/** @odoo-module **/
/* Sync with Xero: each tab of the screen shows the columns that mean
   something there. Score and suggestion columns only on lines to review,
   the linked partner and the last sync only on synced lines. A column
   stays when the list mixes lines of both kinds (the "All" tab), except the
   score and the last sync, which only their own tab has room for at 1440 px. */

import { registry } from "@web/core/registry";
import { listView } from "@web/views/list/list_view";
import { ListRenderer } from "@web/views/list/list_renderer";

const COLUMN_STATES = {
    match_partner_id: ["review"],
    match_score: ["review"],
    match_ambiguous: ["review"],
    sync_action: ["review"],
    link_partner_id: ["review"],
    merge_from: ["review"],
    odoo_id: ["linked"],
    sync_state: ["linked"],
    sync_date: ["linked"],
};
const TAB_ONLY = new Set(["match_score", "sync_date"]);

/** The states the list shows: the tab's (a state = X term of the domain),
 * or those of the lines shown. */
function tabState(list) {
    const tab = (list.domain || []).find(
        (term) => Array.isArray(term) && term[0] === "state" && term[1] === "="
    );
    return tab && tab[2];
}

function shownStates(list) {
    const tab = tabState(list);
    if (tab) {
        return new Set([tab]);
    }
    return new Set(list.records.map((record) => record.data.state));
}

export class XeroSyncListRenderer extends ListRenderer {
    getActiveColumns(list) {
        const states = shownStates(list);
        const tab = tabState(list);
        return super.getActiveColumns(list).filter((column) => {
            const only = COLUMN_STATES[column.name];
            if (TAB_ONLY.has(column.name) && !only.includes(tab)) {
                return false;
            }
            return !only || !states.size || only.some((state) => states.has(state));
        });
    }
}

registry.category("views").add("xero_sync_list", {
    ...listView,
    Renderer: XeroSyncListRenderer,
});
