"""The library's folders as a tree with the number of photos in each (itself and below), for
the Library view's folder panel (Qt-free; the panel is a thin view over it)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass
class FolderNode:
    path: str                       # absolute folder
    name: str                       # as shown: the folder's own name (the root: its full name)
    count: int = 0                  # photos in it and in its subfolders
    children: list["FolderNode"] = field(default_factory=list)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


def folder_tree(photo_paths: list[str], root: str | None = None) -> FolderNode:
    """The folders holding ``photo_paths``, under ``root`` (the library's folder; None: the
    photos' common folder), children sorted by name. A photo outside ``root`` counts in the
    root only. Folders without photos in them or below are not listed."""
    folders = [os.path.dirname(os.path.abspath(p)) for p in photo_paths]
    if root is None:
        root = os.path.commonpath(folders) if folders else os.sep
    root = os.path.abspath(root)
    top = FolderNode(root, root, len(photo_paths))
    nodes = {root: top}
    for folder in folders:
        rel = os.path.relpath(folder, root)
        if rel == "." or rel.startswith(".."):
            continue
        node, here = top, root
        for part in rel.split(os.sep):
            here = os.path.join(here, part)
            child = nodes.get(here)
            if child is None:
                child = nodes[here] = FolderNode(here, part)
                node.children.append(child)
            child.count += 1
            node = child
    for node in nodes.values():
        node.children.sort(key=lambda n: n.name.lower())
    return top
