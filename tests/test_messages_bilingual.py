"""Every message sepbots raises for a person to read is Danish first, then English: "dansk / english".

The check reads the source of ``sepbots/`` and ``bots/`` with ``ast``: any ``SepbotsError`` subclass
made (raised, returned or kept) with a message is written in the code (a string literal, an f-string, a
``+`` of them, or a local variable assigned one of those in the same function) must hold " / ".
A message put together only from other messages (``f"{exc.message}; {hint}"``) is checked where those are.
Messages that come from elsewhere (another exception's text, a catalogue lookup, a bot's per-language
choice) are not literals here and are checked where they are written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from sepbots.exceptions import ConfigError, InputError, located

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("sepbots", "bots")


def _parse_tree(roots: tuple[Path, ...]) -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
            for root in roots for path in sorted(root.rglob("*.py"))}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """The names of SepbotsError and every class that derives from it, anywhere in the trees."""
    names = {"SepbotsError"}
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        _name(base) in names for base in node.bases):
                    names.add(node.name)
                    grown = True
    return names


def _literal_text(node: ast.expr) -> str | None:
    """The written text of a message (placeholders as ``{}``), or None when nothing of it is a literal."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return None if left is None and right is None else (left or "{}") + (right or "{}")
    return None


def _message_node(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg in ("message", "reason")), None)


def _assigned(function: ast.AST, name: str) -> Iterator[ast.expr]:
    """The values assigned to the local ``name`` in ``function``."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if node.value is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets):
            yield node.value


def _calls(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.Call]]:
    """Each call with the innermost function (or the module) it sits in."""
    def visit(node: ast.AST, scope: ast.AST) -> Iterator[tuple[ast.AST, ast.Call]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                yield scope, child
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) else scope
            yield from visit(child, inner)
    return visit(tree, tree)


def english_only(roots: tuple[Path, ...], base: Path) -> tuple[list[str], int]:
    """``file:line: text`` for every error message written without " / ", and how many were checked."""
    trees = _parse_tree(roots)
    classes = _error_classes(trees)
    offenders: list[str] = []
    checked = 0
    for path, tree in trees.items():
        for scope, call in _calls(tree):
            if _name(call.func) not in classes:
                continue
            message = _message_node(call)
            if message is None:
                continue
            values = list(_assigned(scope, message.id)) if isinstance(message, ast.Name) else [message]
            for value in values:
                text = _literal_text(value)
                if text is None or not any(c.isalpha() for c in text):
                    continue  # not written here, or only put together from messages written elsewhere
                checked += 1
                if " / " not in text:
                    offenders.append(f"{path.relative_to(base)}:{value.lineno}: {text!r}")
    return offenders, checked


_VALIDATOR_DECORATORS = {"field_validator", "model_validator"}
_VALIDATOR_WRAPPERS = {"BeforeValidator", "AfterValidator", "PlainValidator", "WrapValidator"}


def _validators(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    """The pydantic validators of a module: methods under ``@field_validator``/``@model_validator`` and the
    functions it hands to ``BeforeValidator(...)`` and its siblings."""
    wrapped = {_name(call.args[0]) for _, call in _calls(tree) if _name(call.func) in _VALIDATOR_WRAPPERS and call.args}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = {_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        if decorators & _VALIDATOR_DECORATORS or node.name in wrapped:
            yield node


def validator_english_only(roots: tuple[Path, ...], base: Path) -> tuple[list[str], int]:
    """``file:line: text`` for every ``ValueError``/``AssertionError`` a pydantic validator raises without " / ".

    Pydantic hands such a message on as the error's own text, and ``sepbots.i18n.validation`` shows it as
    written, so it must be "dansk / english" like every other message.
    """
    offenders: list[str] = []
    checked = 0
    for path, tree in _parse_tree(roots).items():
        for function in _validators(tree):
            for _, call in _calls(ast.Module(body=function.body, type_ignores=[])):
                if _name(call.func) not in ("ValueError", "AssertionError") or not call.args:
                    continue
                text = _literal_text(call.args[0])
                if text is None or not any(c.isalpha() for c in text):
                    continue
                checked += 1
                if " / " not in text:
                    offenders.append(f"{path.relative_to(base)}:{call.lineno}: {text!r}")
    return offenders, checked


def test_every_message_a_pydantic_validator_raises_is_danish_and_english() -> None:
    """A validator's ValueError reaches people through validation_reason as written: English-only fails, by file:line."""
    offenders, checked = validator_english_only(tuple(ROOT / s for s in SOURCES), ROOT)
    assert checked > 20, f"the check found only {checked} validator messages: is it still reading the code?"
    assert not offenders, "validator messages without 'dansk / english':\n" + "\n".join(offenders)


def test_the_validator_check_sees_decorated_methods_and_wrapped_functions(tmp_path: Path) -> None:
    """Methods under field_validator/model_validator and functions given to BeforeValidator are checked; others not."""
    (tmp_path / "models.py").write_text(
        "def _duration(value):\n"
        "    raise ValueError(f'not a duration: {value}')\n"
        "Duration = Annotated[timedelta, BeforeValidator(_duration)]\n"
        "def helper(value):\n"
        "    raise ValueError('a programming mistake, not for a person')\n"
        "class M(BaseModel):\n"
        "    @field_validator('x')\n"
        "    @classmethod\n"
        "    def _x(cls, value):\n"
        "        raise ValueError('ugyldig / invalid')\n"
        "    @model_validator(mode='after')\n"
        "    def _all(self):\n"
        "        raise AssertionError('needs both')\n", encoding="utf-8")
    offenders, checked = validator_english_only((tmp_path,), tmp_path)
    assert [o.split(":")[:2] for o in offenders] == [["models.py", "2"], ["models.py", "13"]]
    assert checked == 3


def test_every_error_message_written_in_the_code_is_danish_and_english() -> None:
    """A raise of a sepbots error with an English-only (or Danish-only) message fails, named by file:line."""
    offenders, checked = english_only(tuple(ROOT / s for s in SOURCES), ROOT)
    assert checked > 150, f"the check found only {checked} messages: is it still reading the code?"
    assert not offenders, "messages without 'dansk / english':\n" + "\n".join(offenders)


def test_the_check_finds_an_english_only_message_in_every_written_form(tmp_path: Path) -> None:
    """The check sees literals, f-strings, concatenations and messages built in a variable first, in subclasses too."""
    (tmp_path / "errors.py").write_text(
        "class SepbotsError(Exception): ...\n"
        "class ConfigError(SepbotsError): ...\n"
        "class InputError(SepbotsError): ...\n"
        "class CatalogueError(ConfigError): ...\n"
        "class BundleError(CatalogueError): ...\n", encoding="utf-8")
    (tmp_path / "code.py").write_text(
        "def f(exc, lang):\n"
        "    raise ConfigError(f'not valid TOML: {exc}', file='a.toml')\n"
        "def g():\n"
        "    raise BundleError('stopped:\\n' + summary())\n"
        "def e(x):\n"
        "    return InputError('bad value', row=x)\n"
        "def h(x):\n"
        "    msg = f'bad value {x}'\n"
        "    raise InputError(msg, row=3)\n"
        "def ok(exc, lang):\n"
        "    raise ConfigError(f'ikke gyldig TOML / not valid TOML: {exc}')\n"
        "    raise ConfigError(str(exc))\n"
        "    raise InputError(f'{exc.message}; {hint}')\n"
        "    raise ValueError('a programming mistake, not for a person')\n", encoding="utf-8")
    offenders, checked = english_only((tmp_path,), tmp_path)
    assert [o.split(":")[:2] for o in offenders] == [["code.py", "2"], ["code.py", "4"], ["code.py", "6"], ["code.py", "8"]]
    assert checked == 5


@pytest.mark.parametrize(("error", "where"), [
    (InputError("x / x", file="a.xlsx", sheet="Ark1", row=3, column="B"),
     "(fil/file a.xlsx, ark/sheet 'Ark1', række/row 3, kolonne/column 'B')"),
    (ConfigError("x / x", file="c.toml", key="database.url"), "(fil/file c.toml, indstilling/key database.url)"),
])
def test_the_places_an_error_names_are_labelled_in_danish_and_english(error: Exception, where: str) -> None:
    """The file, sheet, row, column and key an error names are labelled "dansk/english", all on one line."""
    assert str(error) == f"x / x {where}" and "\n" not in str(error)


def test_an_error_without_known_places_is_the_message_alone() -> None:
    """With no place known, nothing is appended."""
    assert located("x / x", ("file", None)) == "x / x" == str(InputError("x / x"))
