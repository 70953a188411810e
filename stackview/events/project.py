"""Events of a SAM project: the `events/` folder beside `template.yaml`.

`sam init` puts `events/event.json` beside the template, and people add more files there to use
with `sam local invoke -e events/<file>.json`. Larger projects keep one subfolder per function
(`events/OrdersFunction/created.json`); no tool defines that convention, so a subfolder is
matched to a function by what it can only mean: the function's logical ID in the template, its
`FunctionName`, its deployed name, or the `<stack>-<LogicalId>-<suffix>` name CloudFormation
gives a function without one. Top-level files apply to every function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stackview.models.invoke import PROJECT, TestEvent

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
EVENTS_DIR = "events"
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
#: Larger files cannot be sent to Lambda anyway (6 MB synchronous limit); never read them whole.
MAX_EVENT_FILE = 6 * 1024 * 1024


class ProjectError(Exception):
    """The given directory is not a SAM project (said once, with the path)."""


@dataclass(frozen=True)
class SamProject:
    root: Path
    template: Path
    #: logical ID -> the `FunctionName` property when it is a literal string, else "".
    functions: dict[str, str] = field(default_factory=dict)

    @property
    def events_dir(self) -> Path:
        return self.root / EVENTS_DIR


def find_project(directory: Path | str | None = None, *, required: bool = False) -> SamProject | None:
    """The SAM project in `directory` (default: the current directory), or None.

    With `required` (the user named the directory with `--project`) a missing template raises
    ProjectError instead of returning None.
    """
    root = Path(directory).expanduser() if directory is not None else Path.cwd()
    template = next((root / name for name in TEMPLATE_NAMES if (root / name).is_file()), None)
    if template is None:
        if required:
            raise ProjectError(f"{root} is not a SAM project (no template.yaml there)")
        return None
    return SamProject(root=root, template=template, functions=_template_functions(template))


class _TemplateLoader(yaml.SafeLoader):
    """Safe YAML that reads CloudFormation short forms (`!Ref`, `!GetAtt`, `!Sub` ...) as data."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TemplateLoader.add_multi_constructor("!", _any_tag)


def _template_functions(template: Path) -> dict[str, str]:
    """Logical IDs of the template's functions. A template that cannot be read gives none:
    the top-level events still work, only the per-function folders cannot be matched."""
    try:
        data = yaml.load(template.read_text(encoding="utf-8"), Loader=_TemplateLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return {}
    functions: dict[str, str] = {}
    for logical_id, resource in resources.items():
        if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES:
            properties = resource.get("Properties")
            name = properties.get("FunctionName") if isinstance(properties, dict) else None
            functions[str(logical_id)] = name if isinstance(name, str) else ""
    return functions


def folder_matches(project: SamProject, folder: str, function: str | None,
                   logical_id: str | None = None) -> bool:
    """Whether `events/<folder>/` holds events for the deployed function named `function`."""
    if function is None and logical_id is None:
        return True
    wanted = folder.lower()
    candidates = {c.lower() for c in (function, logical_id) if c}
    if wanted in candidates:
        return True
    for template_id, declared in project.functions.items():
        if template_id.lower() != wanted:
            continue
        if declared and function and declared == function:
            return True
        if function and f"-{template_id}-" in function:
            return True
    return False


def events(project: SamProject, function: str | None = None, *,
           logical_id: str | None = None) -> list[TestEvent]:
    """The project's events for `function` (a deployed name; None: every event).

    Top-level files come first, named by their stem; files in a matching subfolder are named
    `<folder>/<stem>`. Unreadable and oversized files are skipped.
    """
    folder = project.events_dir
    if not folder.is_dir():
        return []
    found = [e for e in (_read(p, p.stem, folder) for p in sorted(folder.glob("*.json"))) if e]
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not folder_matches(project, sub.name, function, logical_id):
            continue
        for path in sorted(sub.glob("*.json")):
            event = _read(path, f"{sub.name}/{path.stem}", folder)
            if event:
                found.append(event)
    return found


def _read(path: Path, name: str, base: Path) -> TestEvent | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_EVENT_FILE:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    relative = path.relative_to(base).as_posix()
    return TestEvent(name=name, source=PROJECT, text=text, description=f"{EVENTS_DIR}/{relative}")
