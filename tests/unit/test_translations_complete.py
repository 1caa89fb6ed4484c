"""Every shipped language is complete: each addon's .po translates every msgid of its .pot, and
keeps what Odoo fills in or renders (named and positional %-placeholders, {{ }} expressions, QWeb
and HTML tags with their t-* attributes, entities). Plain files, read with Babel (an Odoo
dependency): no Odoo import, no database."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
ADDONS = (
    "freelance_collections",
    "freelance_collections_sale",
    "freelance_collections_timesheet",
    "freelance_collections_queue_job",
)
# The languages the addons ship: each addon must carry a complete <code>.po for each of them.
LANGUAGES = ("fr", "he", "de", "es", "it", "nl")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "he": None,  # Hebrew: any correct formula (2 to 4 forms are in use)
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
}

NAMED = re.compile(r"%\((\w+)\)[sdfr]")
POSITIONAL = re.compile(r"%[sdfr]")
CONVERSION = re.compile(r"%\(\w+\)[sdfr]|%[sdfr]|%%")
EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
TAG = re.compile(r"<[^<>]+>")
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def _catalog(path):
    with path.open("rb") as handle:
        return read_po(handle)


def _header(path):
    """The header entry's fields as written in the file (Babel rewrites some when it reads them)."""
    first = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    fields = re.findall(r'^"([\w-]+): (.*?)\\n"$', first, re.M)
    return dict(fields)


def _expressions(text):
    """{{ }} expressions with their string literals blanked: the code must stay, the words inside
    quotes ('retainer top-up') are text a translation may change."""
    return sorted(LITERAL.sub("''", expr) for expr in EXPRESSION.findall(text))


def placeholder_problems(msgid, msgstr, python=True):
    """What a translation lost or added that the code or the renderer relies on ([] when fine).
    PYTHON: the string is formatted with % by Python code (a lone % in it would then break)."""
    problems = []
    names, names_tr = sorted(set(NAMED.findall(msgid))), sorted(set(NAMED.findall(msgstr)))
    if names != names_tr:
        problems.append(f"named placeholders {names} != {names_tr}")
    plain = NAMED.sub("", msgid.replace("%%", ""))
    plain_tr = NAMED.sub("", msgstr.replace("%%", ""))
    if len(POSITIONAL.findall(plain)) != len(POSITIONAL.findall(plain_tr)):
        problems.append("positional %s placeholders differ")
    expression = re.match(r"'[^']*' % object\.", msgid)  # an ir.actions.report print_report_name: Python
    if python and not expression and CONVERSION.search(msgid.replace("%%", "")) and "%" in CONVERSION.sub("", msgstr):
        problems.append("a lone % in a string formatted with %: write %%")
    if _expressions(msgid) != _expressions(msgstr):
        problems.append(f"{{{{ }}}} expressions differ: {_expressions(msgstr)}")
    if sorted(TAG.findall(msgid)) != sorted(TAG.findall(msgstr)):
        lost = sorted(set(TAG.findall(msgid)) - set(TAG.findall(msgstr)))
        added = sorted(set(TAG.findall(msgstr)) - set(TAG.findall(msgid)))
        problems.append(f"tags differ (lost {lost}, added {added})")
    if sorted(ENTITY.findall(msgid)) != sorted(ENTITY.findall(msgstr)):
        problems.append("entities differ")
    if expression:
        try:
            compile(msgstr, "print_report_name", "eval")
        except SyntaxError as error:
            problems.append(f"not a Python expression any more: {error}")
    return problems


CASES = [(addon, lang) for addon in ADDONS for lang in LANGUAGES]


@pytest.mark.parametrize(("addon", "lang"), CASES, ids=[f"{a}-{lang}" for a, lang in CASES])
def test_language_is_complete_and_keeps_placeholders(addon, lang):
    i18n = ROOT / addon / "i18n"
    po_path = i18n / f"{lang}.po"
    if not po_path.exists():
        pytest.fail(f"{addon} ships no {lang}.po")
    pot = _catalog(i18n / f"{addon}.pot")
    po = _catalog(po_path)

    header = _header(po_path)
    assert header.get("Language") == lang, f"{po_path}: Language header is {header.get('Language')!r}"
    assert header.get("Content-Type") == "text/plain; charset=UTF-8", f"{po_path}: not declared UTF-8"
    plural = header.get("Plural-Forms", "")
    expected = PLURAL_FORMS[lang]
    assert (plural == expected) if expected else plural.startswith("nplurals="), f"{po_path}: Plural-Forms {plural!r}"

    untranslated, fuzzy, broken = [], [], []
    for message in pot:
        if not message.id:
            continue
        translated = po.get(message.id)
        if translated is None or not translated.string:
            untranslated.append(message.id)
            continue
        if translated.fuzzy:
            fuzzy.append(message.id)
        python = "odoo-python" in message.auto_comments
        problems = placeholder_problems(message.id, translated.string, python)
        if problems:
            broken.append(f"{message.id[:70]!r}: {'; '.join(problems)}")
    assert not untranslated, f"{po_path}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{po_path}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert not broken, f"{po_path}: {len(broken)} broken:\n" + "\n".join(broken[:20])


@pytest.mark.parametrize(
    ("msgid", "msgstr", "ok"),
    [
        ("%(count)s waiting: %(why)s", "%(count)s ausstehend: %(why)s", True),
        ("%(count)s waiting: %(why)s", "%(count)s ausstehend", False),
        ("%(rate)s%% until %(date)s", "%(rate)s % bis %(date)s", False),
        ("'Demand letter - %s' % object.display_name", "'Mahnschreiben - %s' % object.display_name", True),
        ("'Demand letter - %s' % object.display_name", "'L'avis - %s' % object.display_name", False),
        ("{{ 'retainer' if a else 'x' }} {{ b }}", "{{ 'Vorschuss' if a else 'y' }} {{ b }}", True),
        ("{{ object.name }}: paid", "{{ object.display_name }}: bezahlt", False),
        ('<p>Dear <t t-out="object.name">Client</t>,</p>', '<p>Beste <t t-out="object.name">Klant</t>,</p>', True),
        ('<p>Dear <t t-out="object.name">Client</t>,</p>', "<p>Beste Klant,</p>", False),
        ("Favourites &gt; Import", "Favoriten > Importieren", False),
    ],
)
def test_placeholder_check_catches_what_breaks(msgid, msgstr, ok):
    assert (placeholder_problems(msgid, msgstr) == []) is ok


@pytest.mark.parametrize("addon", ADDONS)
def test_every_python_file_gives_its_terms_to_the_export(addon):
    """Odoo's export extracts a file's terms with Babel, which evaluates the string arguments of a
    translated call: one it cannot evaluate (an f-string naming a variable) fails the whole file, whose
    terms then silently leave the .pot and stay untranslated. Babel as Odoo calls it, on every file."""
    from babel.messages.extract import extract

    failures = []
    for path in sorted((ROOT / addon).rglob("*.py")):
        with path.open("rb") as handle:
            try:
                list(extract("python", handle, keywords={"_": None, "_lt": None}, options={"encoding": "UTF-8"}))
            except Exception as error:  # noqa: BLE001 - reported per file
                failures.append(f"{path.relative_to(ROOT)}: {type(error).__name__}: {error}")
    assert not failures, failures
