"""Compare the messages of two .pot files (ignoring headers, dates and
source references): exit 1 with the differences when they differ.

    python scripts/pot_check.py i18n/xero_connector.pot /tmp/fresh.pot
"""

import re
import sys

MSGID = re.compile(r'^msgid "(.*)"$')


def messages(path):
    found, current = set(), None
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            match = MSGID.match(line)
            if match:
                current = [match.group(1)]
            elif current is not None and line.startswith('"'):
                current.append(line[1:-1])
            elif current is not None:
                text = "".join(current)
                if text:
                    found.add(text)
                current = None
    return found


def main(committed, fresh):
    old, new = messages(committed), messages(fresh)
    if old == new:
        return 0
    print(f"{committed} is out of date: {len(new - old)} new, {len(old - new)} gone "
          f"message(s). Regenerate it with scripts/update-pot.")
    for text in sorted(new - old)[:10]:
        print(f"  + {text[:100]}")
    for text in sorted(old - new)[:10]:
        print(f"  - {text[:100]}")
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
