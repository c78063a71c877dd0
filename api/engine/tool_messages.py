"""The Indonesian words of what the deploy lint's tools say: Python's parser, RestrictedPython, the JSON and XML
parsers and SpiffWorkflow's BPMN parser speak English, and a process designer reads their complaints in the
modeller. Each `*_message` turns the common ones into Indonesian; one it does not know keeps the tool's own
words in parentheses behind an Indonesian opening, so the designer still reads what is wrong and where.
"""

import re
from collections.abc import Callable

Table = list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]]


def _table(rows: list[tuple[str, str | Callable[[re.Match[str]], str]]]) -> Table:
    return [(re.compile(pattern), words) for pattern, words in rows]


def _translate(table: Table, text: str) -> str | None:
    for pattern, words in table:
        if match := pattern.fullmatch(text.strip().rstrip(".").rstrip()):
            return match.expand(words) if isinstance(words, str) else words(match)
    return None


_SYNTAX = _table(
    [
        (r"invalid syntax", "sintaks tidak sah"),
        (r"invalid syntax\. Perhaps you forgot a comma\?", "sintaks tidak sah; mungkin ada koma yang terlupa?"),
        (r"'(.)' was never closed", r"'\1' tidak pernah ditutup"),
        (r"unmatched '(.)'", r"'\1' tidak punya pasangan pembukanya"),
        (
            r"closing parenthesis '(.)' does not match opening parenthesis '(.)'.*",
            r"kurung tutup '\1' tidak cocok dengan kurung buka '\2'",
        ),
        (r"unterminated string literal.*", "teks (string) tidak ditutup dengan tanda kutip"),
        (r"unterminated triple-quoted string literal.*", "teks bertanda kutip tiga tidak ditutup"),
        (r"expected '(.+)'", r"tanda '\1' kurang"),
        (r"expected an indented block.*", "baris sesudahnya harus menjorok (indentasi)"),
        (r"unexpected indent", "indentasi yang tidak diharapkan"),
        (r"unindent does not match any outer indentation level", "indentasi tidak cocok dengan baris di atasnya"),
        (r"unexpected EOF while parsing", "kode berakhir sebelum selesai"),
        (r"invalid character '(.)' \((U\+\w+)\)", r"karakter '\1' (\2) tidak sah"),
        (r"invalid decimal literal", "angka tidak sah"),
        (r"Missing parentheses in call to '(\w+)'.*", r"pemanggilan '\1' tanpa tanda kurung; tulis \1(...)"),
        (
            r"cannot assign to (.+?)(?: here)?\. Maybe you meant '==' instead of '='\?",
            r"tidak dapat mengisi \1; maksudnya '==', bukan '='?",
        ),
        (r"cannot assign to (.+?)(?: here)?", r"tidak dapat mengisi \1"),
        (r"'return' outside function", "'return' di luar fungsi"),
        (r"'(\w+)' outside loop", r"'\1' di luar perulangan"),
    ]
)

_SANDBOX = _table(
    [
        (
            r'Line (\d+): "(.+)" is an invalid variable name because it starts with "_"',
            r'baris \1: nama "\2" tidak boleh diawali "_"',
        ),
        (
            r'Line (\d+): "(.+)" is an invalid attribute name because it starts with "_"\.?',
            r'baris \1: atribut "\2" tidak boleh diawali "_"',
        ),
        (r'Line (\d+): "(.+)" is a reserved name\.?', r'baris \1: "\2" adalah nama yang dicadangkan'),
        (
            r"Line (\d+): (\w+) calls are not allowed\.?",
            lambda m: f"baris {m[1]}: pemanggilan {m[2].lower()} tidak diizinkan",
        ),
        (r"Line (\d+): (.+) statements are not allowed\.?", r"baris \1: pernyataan \2 tidak diizinkan"),
        (r"operator (\S+) is not allowed", r"operator \1 tidak diizinkan"),
    ]
)


def syntax_message(line: int | None, message: str) -> str:
    """Python's SyntaxError, e.g. "baris 1: '(' tidak pernah ditutup"."""
    words = _translate(_SYNTAX, message) or f"sintaks tidak sah ({message})"
    return f"baris {line}: {words}" if line else words


def sandbox_message(message: str) -> str:
    """RestrictedPython's refusals ("; "-joined), e.g. 'baris 1: nama "_x" tidak boleh diawali "_"'."""
    parts = [p for p in message.split("; ") if p.strip()]
    return "; ".join(_translate(_SANDBOX, p) or f"di luar Python yang diizinkan sandbox ({p})" for p in parts)


_JSON = _table(
    [
        (r"Expecting value", "nilai diharapkan di sini"),
        (r"Expecting property name enclosed in double quotes", "nama properti harus diapit tanda kutip ganda"),
        (r"Expecting '(.)' delimiter", r"tanda '\1' diharapkan di sini"),
        (r"Extra data", "ada isi lagi setelah akhir JSON"),
        (r"Unterminated string starting at", "teks (string) tidak ditutup dengan tanda kutip"),
        (r"Invalid control character at", "karakter kendali tidak sah (mis. baris baru di dalam teks)"),
        (r"Invalid \\escape", "escape '\\' tidak sah"),
        (r"Illegal trailing comma before end of (?:object|array)", "koma berlebih sebelum penutup"),
    ]
)


def json_message(message: str, line: int, column: int) -> str:
    """json.JSONDecodeError's `msg` at its line and column."""
    words = _translate(_JSON, message) or f"({message})"
    return f"bukan JSON yang sah: baris {line} kolom {column}: {words}"


_XML = _table(
    [
        (
            r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)",
            r"tag pembuka <\1> (baris \2) ditutup dengan </\3>",
        ),
        (r"Document is empty", "berkas kosong"),
        (r"Extra content at the end of the document", "ada isi setelah akhir dokumen"),
        (r"Start tag expected, '<' not found", "tag pembuka diharapkan, '<' tidak ditemukan"),
        (r"Couldn't find end of Start Tag (\S+).*", r"tag pembuka <\1> tidak diakhiri '>'"),
        (r"Premature end of data in tag (\S+).*", r"berkas berakhir sebelum tag <\1> ditutup"),
        (r"Entity '(.+)' not defined", r"entitas '\1' tidak dikenal"),
        (r"EndTag: '</' not found", "tag penutup '</' tidak ditemukan"),
        (r"attributes construct error", "atribut tidak ditulis dengan benar"),
        (r"Attribute (\S+) redefined", r"atribut \1 ditulis dua kali"),
        (r"Namespace prefix (\S+) .*is not defined", r"awalan namespace \1 tidak dideklarasikan"),
    ]
)
_XML_PLACE = re.compile(r",\s*line (\d+), column (\d+)$")


def xml_message(message: str) -> str:
    """lxml's XMLSyntaxError `msg` (it ends with ", line L, column C")."""
    place = _XML_PLACE.search(message)
    text = message[: place.start()] if place else message
    words = _translate(_XML, text) or f"({text})"
    where = f" (baris {place.group(1)}, kolom {place.group(2)})" if place else ""
    return f"XML tidak sah: {words}{where}; perbaiki di tab XML"


_PARSER = _table(
    [
        (r"No start event found", "proses tidak punya start event: tambahkan satu"),
        (r"Process (\S+) is not executable\.?", r"proses \1 tidak dapat dijalankan: centang isExecutable"),
        (r"Duplicate process ID: (\S+)", r"id proses \1 dipakai lebih dari sekali"),
        (r"A SubWorkflow Must contain an End event", "subproses harus punya end event"),
        (r"There is no support implemented for this task type\.?", "jenis tugas ini tidak didukung"),
        (r"Conditional event definition with missing condition", "event bersyarat tanpa kondisi"),
        (r"Unknown Time Specification", "timer tanpa timeDate, timeDuration atau timeCycle"),
        (r"Cannot resolve dataInputAssociation (\S+)", r"asosiasi data input \1 tidak menunjuk data yang ada"),
        (r"Cannot resolve dataOutputAssociation (\S+)", r"asosiasi data output \1 tidak menunjuk data yang ada"),
        (r"(Signal|Error|Escalation|Correlation) identifier is missing from bpmn xml", r"id \1 tidak ada di BPMN"),
        (
            r"Non-default exclusive outgoing sequence flow without condition",
            "alur keluar gateway eksklusif ini tidak punya kondisi dan bukan alur default: beri kondisi atau "
            "jadikan alur default gateway-nya",
        ),
        (
            r"A multiinstance task must specify a cardinality or a loop input data reference",
            "tugas multi-instance harus menyebut loopCardinality atau loopDataInputRef",
        ),
        (
            r"A multiinstance task must specify exactly one of cardinality or loop input data reference",
            "tugas multi-instance harus menyebut tepat satu: loopCardinality atau loopDataInputRef",
        ),
        (
            r"Multiple outgoing flows are not supported for tasks of type.*",
            "tugas jenis ini hanya boleh punya satu alur keluar",
        ),
        (
            r"A loopMaximum or loopCondition must be specified for Loop Tasks",
            "tugas berulang harus punya loopMaximum atau loopCondition",
        ),
        (r"Expected an? (\w+) node", r"definisi \1 yang dirujuk tidak ada"),
        (
            r"Element '\{[^}]*\}(\w+)': This element is not expected.*",
            r"elemen <\1> tidak boleh ada di tempat ini menurut skema BPMN",
        ),
        (
            r"Element '\{[^}]*\}(\w+)', attribute '([^']+)': The attribute '[^']+' is not allowed.*",
            r"atribut \2 tidak boleh ada pada <\1> menurut skema BPMN",
        ),
        (
            r"Element '\{[^}]*\}(\w+)', attribute '([^']+)': '(.*)' is not a valid value of the atomic type 'xs:ID'.*",
            r"'\3' bukan id yang sah untuk atribut \2 pada <\1>: id diawali huruf atau '_', tanpa spasi",
        ),
        (
            r"Element '\{[^}]*\}(\w+)', attribute '([^']+)': (.*?)\.*",
            r"atribut \2 pada <\1> tidak sah menurut skema BPMN (\3)",
        ),
        (
            r"Element '\{[^}]*\}(\w+)': Missing child element\(s\)\. Expected is \( \{[^}]*\}(\w+) \)",
            r"elemen <\1> harus berisi elemen <\2>",
        ),
        (r"Element '\{[^}]*\}(\w+)': (.*?)\.*", r"elemen <\1> tidak sah menurut skema BPMN (\2)"),
    ]
)


_SCHEMA = _table(
    [
        (r"(.+) is not a 'regex'", r"\1 bukan ekspresi reguler yang sah"),
        (r"(.+) is not of type (.+)", r"\1 bukan bertipe \2"),
        (r"(.+) is not valid under any of the given schemas", r"\1 tidak sah di tempat ini"),
        (r"(.+) is less than the minimum of (.+)", r"\1 kurang dari minimum \2"),
        (r"(.+) is not one of (.+)", r"\1 bukan salah satu dari \2"),
        (r"(.+) is a required property", r"\1 wajib ada"),
        (r"(.+) is too short", r"\1 terlalu pendek"),
        (r"(.+) has non-unique elements", r"\1 berisi unsur yang sama lebih dari sekali"),
    ]
)


def schema_message(message: str) -> str:
    """jsonschema's SchemaError `message`: what in a form is no JSON Schema at all."""
    return f"Bukan JSON Schema yang sah: {_translate(_SCHEMA, message) or f'({message})'}"


def parser_message(message: str) -> str:
    """SpiffWorkflow's ValidationException (its own checks and the BPMN XSD's)."""
    text = message.strip().splitlines()[0].strip() if message.strip() else ""
    return f"Parser BPMN menolak: {_translate(_PARSER, text) or f'({text})'}"
