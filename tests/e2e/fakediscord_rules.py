"""Discord's payload rules, as enforced by the fake server in ``fakediscord``.

Pure functions without I/O: each ``check_*`` returns a list of :class:`Problem`; an empty list
means the payload is acceptable. The limits are Discord's documented ones (API v10); the
``allowed_mentions`` check is this project's policy (the bot must never ping anyone), not a
Discord rule, and is reported under its own rule name so the server can treat it differently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Messages
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
# Components
ACTION_ROWS_MAX = 5
ROW_WIDTH_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_PLACEHOLDER_MAX = 150
SELECT_OPTION_TEXT_MAX = 100
V2_COMPONENTS_MAX = 40
TEXT_INPUT_LABEL_MAX = 45
MODAL_TITLE_MAX = 45
# Application commands
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
COMMAND_CHOICE_TEXT_MAX = 100
COMMAND_TOTAL_MAX = 4000
CHAT_INPUT_COMMANDS_MAX = 100
CONTEXT_MENU_COMMANDS_MAX = 15
# Autocomplete results
AUTOCOMPLETE_CHOICES_MAX = 25
# Threads
THREAD_NAME_MAX = 100
THREAD_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_COMPONENTS_V2 = 1 << 15

SELECT_TYPES = frozenset({3, 5, 6, 7, 8})
CHOICE_OPTION_TYPES = frozenset({3, 4, 10})

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (``path`` into the JSON body), Discord's error code and text."""

    rule: str
    path: Path
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "<body>"
        return f"[{self.rule}] {where}: {self.message}"


def errors_tree(problems: Iterable[Problem], prefix: Path = ()) -> dict[str, Any]:
    """Discord's nested ``errors`` object (``{"a": {"0": {"_errors": [...]}}}``)."""
    tree: dict[str, Any] = {}
    for problem in problems:
        node = tree
        for part in (*prefix, *problem.path):
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return tree


def _too_long(rule: str, path: Path, limit: int) -> Problem:
    return Problem(rule, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _length(rule: str, path: Path, value: Any, limit: int, *, minimum: int = 0) -> list[Problem]:
    if value is None:
        return [] if minimum == 0 else [Problem(rule, path, "BASE_TYPE_REQUIRED", "Required")]
    text = str(value)
    if len(text) > limit:
        return [_too_long(rule, path, limit)]
    if len(text) < minimum:
        return [
            Problem(
                rule,
                path,
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between {minimum} and {limit} in length.",
            )
        ]
    return []


# -- messages ------------------------------------------------------------------------------


def check_message(
    payload: Mapping[str, Any], *, edit: bool = False, has_files: bool = False
) -> list[Problem]:
    """Content, embeds and components of a message create/edit (or a callback's ``data``).

    For a new message (``edit=False``) an empty message is a problem too (Discord's 50006).
    """
    problems: list[Problem] = []
    content = payload.get("content")
    if content is not None:
        problems += _length("content_length", ("content",), content, CONTENT_MAX)
    embeds = payload.get("embeds") or []
    problems += check_embeds(embeds)
    flags = int(payload.get("flags") or 0)
    components = payload.get("components") or []
    problems += check_components(components, flags=flags)
    if flags & FLAG_COMPONENTS_V2 and (content or embeds):
        problems.append(
            Problem(
                "component_limits",
                ("content",),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using components v2",
            )
        )
    if not edit:
        has_body = (
            bool(content)
            or bool(embeds)
            or bool(components)
            or has_files
            or bool(payload.get("attachments"))
            or bool(payload.get("sticker_ids"))
            or bool(payload.get("poll"))
        )
        if not has_body:
            problems.append(
                Problem("empty_message", (), "EMPTY_MESSAGE", "Cannot send an empty message")
            )
    return problems


def check_embeds(embeds: Sequence[Mapping[str, Any]]) -> list[Problem]:
    rule = "embed_limits"
    problems: list[Problem] = []
    if len(embeds) > EMBEDS_MAX:
        problems.append(_too_long(rule, ("embeds",), EMBEDS_MAX))
    total = 0
    for i, embed in enumerate(embeds):
        base: Path = ("embeds", i)
        title = embed.get("title") or ""
        description = embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        problems += _length(rule, (*base, "title"), title, EMBED_TITLE_MAX)
        problems += _length(rule, (*base, "description"), description, EMBED_DESCRIPTION_MAX)
        problems += _length(rule, (*base, "footer", "text"), footer, EMBED_FOOTER_MAX)
        problems += _length(rule, (*base, "author", "name"), author, EMBED_AUTHOR_MAX)
        total += len(title) + len(description) + len(footer) + len(author)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            problems.append(_too_long(rule, (*base, "fields"), EMBED_FIELDS_MAX))
        for j, field in enumerate(fields):
            name, value = field.get("name"), field.get("value")
            fpath: Path = (*base, "fields", j)
            problems += _length(rule, (*fpath, "name"), name, EMBED_FIELD_NAME_MAX, minimum=1)
            problems += _length(rule, (*fpath, "value"), value, EMBED_FIELD_VALUE_MAX, minimum=1)
            total += len(str(name or "")) + len(str(value or ""))
    if total > EMBED_TOTAL_MAX:
        problems.append(
            Problem(
                rule,
                ("embeds",),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
            )
        )
    return problems


def check_components(
    components: Sequence[Mapping[str, Any]], *, flags: int = 0, modal: bool = False
) -> list[Problem]:
    rule = "component_limits"
    problems: list[Problem] = []
    v2 = bool(flags & FLAG_COMPONENTS_V2)
    if not v2 and len(components) > ACTION_ROWS_MAX:
        problems.append(_too_long(rule, ("components",), ACTION_ROWS_MAX))
    seen_ids: set[str] = set()
    count = 0

    def walk(component: Mapping[str, Any], path: Path, top_level: bool) -> None:
        nonlocal count
        count += 1
        ctype = component.get("type")
        if top_level and not v2 and not modal and ctype != 1:
            problems.append(
                Problem(
                    rule,
                    (*path, "type"),
                    "UNION_TYPE_CHOICES",
                    'Value of field "type" must be one of (1,).',
                )
            )
        if ctype == 1:
            children = component.get("components") or []
            if len(children) > ROW_WIDTH_MAX:
                problems.append(_too_long(rule, (*path, "components"), ROW_WIDTH_MAX))
            if any(c.get("type") in SELECT_TYPES | {4} for c in children) and len(children) > 1:
                problems.append(
                    Problem(
                        rule,
                        (*path, "components"),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "The specified component exceeds the maximum width",
                    )
                )
            if not children:
                problems.append(
                    Problem(
                        rule,
                        (*path, "components"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 5 in length.",
                    )
                )
        problems.extend(_check_component(component, path))
        custom_id = component.get("custom_id")
        if custom_id is not None:
            if custom_id in seen_ids:
                problems.append(
                    Problem(
                        rule,
                        (*path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                )
            seen_ids.add(custom_id)
        for j, child in enumerate(component.get("components") or []):
            walk(child, (*path, "components", j), False)
        accessory = component.get("accessory")
        if accessory:
            walk(accessory, (*path, "accessory"), False)

    for i, component in enumerate(components):
        walk(component, ("components", i), True)
    if v2 and count > V2_COMPONENTS_MAX:
        problems.append(_too_long(rule, ("components",), V2_COMPONENTS_MAX))
    return problems


def _check_component(c: Mapping[str, Any], path: Path) -> list[Problem]:
    rule = "component_limits"
    problems: list[Problem] = []
    ctype = c.get("type")
    if ctype == 2:  # button
        style = c.get("style")
        if style == 5:
            if not c.get("url"):
                problems.append(Problem(rule, (*path, "url"), "BASE_TYPE_REQUIRED", "Required"))
            if c.get("custom_id") is not None:
                problems.append(
                    Problem(
                        rule,
                        (*path, "custom_id"),
                        "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                        "A custom id cannot be specified for link buttons",
                    )
                )
        elif style != 6:
            problems += _length(
                rule, (*path, "custom_id"), c.get("custom_id"), CUSTOM_ID_MAX, minimum=1
            )
        problems += _length(rule, (*path, "label"), c.get("label"), BUTTON_LABEL_MAX)
        if style != 6 and not c.get("label") and not c.get("emoji"):
            problems.append(
                Problem(
                    rule,
                    (*path, "label"),
                    "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI",
                    "A label or emoji is required",
                )
            )
    elif ctype in SELECT_TYPES:
        problems += _length(
            rule, (*path, "custom_id"), c.get("custom_id"), CUSTOM_ID_MAX, minimum=1
        )
        problems += _length(
            rule, (*path, "placeholder"), c.get("placeholder"), SELECT_PLACEHOLDER_MAX
        )
        min_values = c.get("min_values", 1)
        max_values = c.get("max_values", 1)
        if not 0 <= min_values <= 25:
            problems.append(
                Problem(
                    rule, (*path, "min_values"), "NUMBER_TYPE_MAX", "int value should be <= 25."
                )
            )
        if not 1 <= max_values <= 25:
            problems.append(
                Problem(
                    rule, (*path, "max_values"), "NUMBER_TYPE_MAX", "int value should be <= 25."
                )
            )
        if ctype == 3:
            options = c.get("options") or []
            if not options:
                problems.append(
                    Problem(
                        rule,
                        (*path, "options"),
                        "BASE_TYPE_BAD_LENGTH",
                        f"Must be between 1 and {SELECT_OPTIONS_MAX} in length.",
                    )
                )
            if len(options) > SELECT_OPTIONS_MAX:
                problems.append(_too_long(rule, (*path, "options"), SELECT_OPTIONS_MAX))
            elif options and max_values > len(options):
                problems.append(
                    Problem(
                        rule,
                        (*path, "max_values"),
                        "SELECT_COMPONENT_MAX_VALUES_EXCEEDS_OPTIONS",
                        "max_values cannot exceed the number of options",
                    )
                )
            values: set[str] = set()
            for k, option in enumerate(options):
                opath: Path = (*path, "options", k)
                problems += _length(
                    rule, (*opath, "label"), option.get("label"), SELECT_OPTION_TEXT_MAX, minimum=1
                )
                problems += _length(
                    rule, (*opath, "value"), option.get("value"), SELECT_OPTION_TEXT_MAX, minimum=1
                )
                problems += _length(
                    rule, (*opath, "description"), option.get("description"), SELECT_OPTION_TEXT_MAX
                )
                if option.get("value") in values:
                    problems.append(
                        Problem(
                            rule,
                            (*opath, "value"),
                            "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                            "Select component option values must be unique",
                        )
                    )
                values.add(option.get("value"))
    elif ctype == 4:  # text input (modals)
        problems += _length(
            rule, (*path, "custom_id"), c.get("custom_id"), CUSTOM_ID_MAX, minimum=1
        )
        problems += _length(rule, (*path, "label"), c.get("label"), TEXT_INPUT_LABEL_MAX)
        problems += _length(rule, (*path, "placeholder"), c.get("placeholder"), 100)
        problems += _length(rule, (*path, "value"), c.get("value"), 4000)
    return problems


def check_allowed_mentions(payload: Mapping[str, Any]) -> list[Problem]:
    """Project policy: every message must carry ``allowed_mentions`` that pings nobody."""
    rule = "allowed_mentions"
    if "allowed_mentions" not in payload or payload["allowed_mentions"] is None:
        return [
            Problem(
                rule,
                ("allowed_mentions",),
                "POLICY_MISSING",
                "allowed_mentions is missing (Discord then pings everything mentioned)",
            )
        ]
    am = payload["allowed_mentions"]
    problems: list[Problem] = []
    if am.get("parse"):
        problems.append(
            Problem(rule, ("allowed_mentions", "parse"), "POLICY_PING", f"parse={am['parse']!r}")
        )
    for key in ("users", "roles"):
        if am.get(key):
            problems.append(
                Problem(rule, ("allowed_mentions", key), "POLICY_PING", f"{key}={am[key]!r}")
            )
    if am.get("replied_user"):
        problems.append(
            Problem(
                rule, ("allowed_mentions", "replied_user"), "POLICY_PING", "replied_user is true"
            )
        )
    return problems


# -- interaction callbacks -----------------------------------------------------------------


def check_autocomplete_result(data: Mapping[str, Any] | None) -> list[Problem]:
    rule = "autocomplete_choices"
    choices = (data or {}).get("choices")
    if choices is None:
        return [Problem(rule, ("data", "choices"), "BASE_TYPE_REQUIRED", "Required")]
    problems: list[Problem] = []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        problems.append(_too_long(rule, ("data", "choices"), AUTOCOMPLETE_CHOICES_MAX))
    for i, choice in enumerate(choices):
        path: Path = ("data", "choices", i)
        problems += _length(
            rule, (*path, "name"), choice.get("name"), COMMAND_CHOICE_TEXT_MAX, minimum=1
        )
        value = choice.get("value")
        if isinstance(value, str):
            problems += _length(rule, (*path, "value"), value, COMMAND_CHOICE_TEXT_MAX)
        elif value is None:
            problems.append(Problem(rule, (*path, "value"), "BASE_TYPE_REQUIRED", "Required"))
    return problems


def check_modal(data: Mapping[str, Any] | None) -> list[Problem]:
    rule = "modal"
    data = data or {}
    problems = _length(rule, ("data", "title"), data.get("title"), MODAL_TITLE_MAX, minimum=1)
    problems += _length(
        rule, ("data", "custom_id"), data.get("custom_id"), CUSTOM_ID_MAX, minimum=1
    )
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        problems.append(
            Problem(
                rule,
                ("data", "components"),
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.",
            )
        )
    problems += [
        Problem(p.rule, ("data", *p.path), p.code, p.message)
        for p in check_components(components, modal=True)
    ]
    return problems


# -- application commands ------------------------------------------------------------------


def valid_command_name(name: Any, *, chat_input: bool = True) -> bool:
    """Discord's ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where possible.

    Context-menu (user/message) command names may contain any characters, 1-32 of them.
    """
    if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_MAX:
        return False
    if not chat_input:
        return True
    if name != name.lower():
        return False
    for ch in name:
        if ch in "-_":
            continue
        category = unicodedata.category(ch)
        if category[0] in "LN":
            continue
        if category[0] == "M" and ("\u0900" <= ch <= "\u097f" or "\u0e00" <= ch <= "\u0e7f"):
            continue
        return False
    return True


def _bad_name(path: Path) -> Problem:
    return Problem(
        "command_payload",
        (*path, "name"),
        "APPLICATION_COMMAND_INVALID_NAME",
        "Command name is invalid",
    )


def check_commands(payload: Any) -> list[Problem]:
    """A bulk-overwrite (``PUT .../commands``) payload: a list of application commands."""
    rule = "command_payload"
    if not isinstance(payload, list):
        return [Problem(rule, (), "BASE_TYPE_ARRAY", "Must be an array.")]
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    per_type = {1: 0, 2: 0, 3: 0, 4: 0}
    for i, command in enumerate(payload):
        problems += check_command(command, (i,))
        ctype = command.get("type", 1)
        per_type[ctype] = per_type.get(ctype, 0) + 1
        key = (ctype, command.get("name"))
        if key in seen:
            problems.append(
                Problem(
                    rule,
                    (i, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique: {command.get('name')!r}",
                )
            )
        seen.add(key)
    if per_type[1] > CHAT_INPUT_COMMANDS_MAX:
        problems.append(_too_long(rule, (), CHAT_INPUT_COMMANDS_MAX))
    for ctype in (2, 3):
        if per_type[ctype] > CONTEXT_MENU_COMMANDS_MAX:
            problems.append(
                Problem(
                    rule,
                    (),
                    "APPLICATION_COMMANDS_TOO_MANY",
                    f"Too many commands of type {ctype} (max {CONTEXT_MENU_COMMANDS_MAX})",
                )
            )
    return problems


def check_command(command: Mapping[str, Any], path: Path = ()) -> list[Problem]:
    rule = "command_payload"
    problems: list[Problem] = []
    ctype = command.get("type", 1)
    chat_input = ctype == 1
    if not valid_command_name(command.get("name"), chat_input=chat_input):
        problems.append(_bad_name(path))
    description = command.get("description")
    if chat_input:
        problems += _length(
            rule, (*path, "description"), description, COMMAND_DESCRIPTION_MAX, minimum=1
        )
    elif description:
        problems.append(
            Problem(
                rule,
                (*path, "description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have a description",
            )
        )
    for key, values in (command.get("name_localizations") or {}).items():
        if not valid_command_name(values, chat_input=chat_input):
            problems.append(_bad_name((*path, "name_localizations", key)))
    options = command.get("options") or []
    if options and not chat_input:
        problems.append(
            Problem(
                rule,
                (*path, "options"),
                "APPLICATION_COMMAND_OPTIONS_NOT_ALLOWED",
                "Context menu commands cannot have options",
            )
        )
    problems += _check_options(options, (*path, "options"), depth=0)
    total = _command_text_length(command)
    if total > COMMAND_TOTAL_MAX:
        problems.append(
            Problem(
                rule,
                path,
                "APPLICATION_COMMAND_TOO_LARGE",
                f"Command exceeds maximum size ({COMMAND_TOTAL_MAX})",
            )
        )
    return problems


def _command_text_length(obj: Mapping[str, Any]) -> int:
    total = len(str(obj.get("name") or "")) + len(str(obj.get("description") or ""))
    for choice in obj.get("choices") or []:
        total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    for option in obj.get("options") or []:
        total += _command_text_length(option)
    return total


def _check_options(options: Sequence[Mapping[str, Any]], path: Path, depth: int) -> list[Problem]:
    rule = "command_payload"
    problems: list[Problem] = []
    if len(options) > COMMAND_OPTIONS_MAX:
        problems.append(_too_long(rule, path, COMMAND_OPTIONS_MAX))
    names: set[str] = set()
    seen_optional = False
    kinds = {("sub" if o.get("type") in (1, 2) else "value") for o in options}
    if len(kinds) > 1:
        problems.append(
            Problem(
                rule,
                path,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands and groups cannot be mixed with other options",
            )
        )
    for i, option in enumerate(options):
        opath: Path = (*path, i)
        otype = option.get("type")
        name = option.get("name")
        if not valid_command_name(name):
            problems.append(_bad_name(opath))
        if name in names:
            problems.append(
                Problem(
                    rule,
                    (*opath, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    f"Option name {name!r} is already used in these options",
                )
            )
        names.add(name)
        problems += _length(
            rule,
            (*opath, "description"),
            option.get("description"),
            COMMAND_DESCRIPTION_MAX,
            minimum=1,
        )
        if not isinstance(otype, int) or not 1 <= otype <= 11:
            problems.append(
                Problem(rule, (*opath, "type"), "BASE_TYPE_CHOICES", "Invalid option type")
            )
            continue
        if otype in (1, 2):
            if depth >= (1 if otype == 2 else 2):
                problems.append(
                    Problem(
                        rule,
                        (*opath, "type"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-command nesting is too deep",
                    )
                )
            children = option.get("options") or []
            if otype == 2 and any(c.get("type") != 1 for c in children):
                problems.append(
                    Problem(
                        rule,
                        (*opath, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-command groups may only contain sub-commands",
                    )
                )
            problems += _check_options(children, (*opath, "options"), depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                problems.append(
                    Problem(
                        rule,
                        (*opath, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if choices and otype not in CHOICE_OPTION_TYPES:
            problems.append(
                Problem(
                    rule,
                    (*opath, "choices"),
                    "APPLICATION_COMMAND_OPTION_CHOICES_NOT_ALLOWED",
                    "Choices are only allowed for string, integer and number options",
                )
            )
        if option.get("autocomplete") and choices:
            problems.append(
                Problem(
                    rule,
                    (*opath, "autocomplete"),
                    "APPLICATION_COMMAND_AUTOCOMPLETE_WITH_CHOICES",
                    "Autocomplete cannot be enabled on options that have choices",
                )
            )
        if len(choices) > COMMAND_CHOICES_MAX:
            problems.append(_too_long(rule, (*opath, "choices"), COMMAND_CHOICES_MAX))
        for k, choice in enumerate(choices):
            cpath: Path = (*opath, "choices", k)
            problems += _length(
                rule, (*cpath, "name"), choice.get("name"), COMMAND_CHOICE_TEXT_MAX, minimum=1
            )
            if isinstance(choice.get("value"), str):
                problems += _length(
                    rule, (*cpath, "value"), choice["value"], COMMAND_CHOICE_TEXT_MAX, minimum=1
                )
        for key in ("min_length", "max_length"):
            value = option.get(key)
            if value is not None and not 0 <= value <= 6000:
                problems.append(
                    Problem(rule, (*opath, key), "NUMBER_TYPE_MAX", "int value should be <= 6000.")
                )
    return problems


# -- threads -------------------------------------------------------------------------------


def check_thread(payload: Mapping[str, Any]) -> list[Problem]:
    rule = "thread_payload"
    problems = _length(rule, ("name",), payload.get("name"), THREAD_NAME_MAX, minimum=1)
    duration = payload.get("auto_archive_duration")
    if duration is not None and duration not in THREAD_ARCHIVE_DURATIONS:
        problems.append(
            Problem(
                rule,
                ("auto_archive_duration",),
                "BASE_TYPE_CHOICES",
                f"Value must be one of {THREAD_ARCHIVE_DURATIONS}.",
            )
        )
    return problems
