"""Fill the French and Arabic catalogues from translation tables.

Each table line is ``English ¦ French ¦ Arabic`` (plurals: ``English singular ¦ French one ¦
French many ¦ Arabic one ¦ Arabic many``). Run after ``makemessages``; entries already
translated are kept unless the table gives another translation.

    python locale/fill.py TABLE [TABLE …]
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent


def read(paths):
    singles, plurals = {}, {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("¦")]
            if len(parts) == 3:
                singles[parts[0]] = {"fr": parts[1], "ar": parts[2]}
            elif len(parts) == 5:
                plurals[parts[0]] = {"fr": parts[1:3], "ar": parts[3:5]}
    return singles, plurals


def fill(singles, plurals):  # noqa: PLR0912
    for language in ("fr", "ar"):
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        missing = []
        for entry in catalogue:
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                forms = plurals.get(entry.msgid)
                if forms:
                    one, many = forms[language]
                    for index in entry.msgstr_plural:
                        entry.msgstr_plural[index] = (
                            one if int(index) == (1 if language == "ar" else 0) else many
                        )
                    if language == "ar":
                        entry.msgstr_plural[0] = many
                elif not any(entry.msgstr_plural.values()):
                    missing.append(entry.msgid)
            else:
                text = singles.get(entry.msgid, {}).get(language)
                if text:
                    entry.msgstr = text
                elif not entry.msgstr:
                    missing.append(entry.msgid)
            if "fuzzy" in entry.flags:
                # gettext's guess from a similar message: keep it only if the table confirms it
                entry.flags.remove("fuzzy")
                known = plurals if entry.msgid_plural else singles
                if entry.msgid not in known:
                    entry.msgstr = ""
                    entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
                    missing.append(entry.msgid)
        catalogue.save()
        print(f"{language}: {len(missing)} untranslated")  # noqa: T201
        for msgid in missing:
            print(f"  {msgid}")  # noqa: T201


if __name__ == "__main__":
    fill(*read(sys.argv[1:]))
