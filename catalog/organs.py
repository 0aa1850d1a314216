"""The organ tree, loaded once per change and cached: government-level views include the
subtree (domain.md, Organs), and every page shows the tree as navigation.

Cached in each process under the "organs" version stamp (``disclosure_portal.versions``): a
change bumps it in its own transaction, so every worker reloads at its next request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from disclosure_portal import versions


@dataclass
class OrganNode:
    id: int
    code: str
    name: str
    short_name: str
    parent_id: int | None
    children: list[OrganNode] = field(default_factory=list)
    depth: int = 0

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass
class OrganTree:
    nodes: dict[int, OrganNode]
    roots: list[OrganNode]
    by_code: dict[str, OrganNode]

    def descendant_ids(self, organ_id: int) -> set[int]:
        """The organ and all its subordinates."""
        out: set[int] = set()
        stack = [organ_id]
        while stack:
            current = stack.pop()
            if current in out or current not in self.nodes:
                continue
            out.add(current)
            stack.extend(child.id for child in self.nodes[current].children)
        return out

    def ancestors(self, organ_id: int) -> list[OrganNode]:
        """From the root down to the organ's parent."""
        chain: list[OrganNode] = []
        node = self.nodes.get(organ_id)
        while node is not None and node.parent_id is not None:
            node = self.nodes.get(node.parent_id)
            if node is not None:
                chain.append(node)
        return list(reversed(chain))

    def flat(self) -> list[OrganNode]:
        """Depth-first order with depth set, for indented lists and select boxes."""
        out: list[OrganNode] = []

        def walk(node: OrganNode, depth: int) -> None:
            node.depth = depth
            out.append(node)
            for child in node.children:
                walk(child, depth + 1)

        for root in self.roots:
            walk(root, 0)
        return out


def _load() -> OrganTree:
    from catalog.models import Organ

    rows = Organ.objects.order_by("position", "id").values_list(
        "id", "code", "name", "short_name", "parent_id"
    )
    nodes = {row[0]: OrganNode(*row) for row in rows}
    children: dict[int | None, list[OrganNode]] = defaultdict(list)
    for node in nodes.values():
        parent = node.parent_id if node.parent_id in nodes else None
        children[parent].append(node)
    for node in nodes.values():
        node.children = children.get(node.id, [])
    return OrganTree(
        nodes=nodes, roots=children.get(None, []), by_code={n.code: n for n in nodes.values()}
    )


def organ_tree() -> OrganTree:
    return versions.cached(versions.ORGANS, "tree", _load)


def fresh_tree() -> OrganTree:
    """The tree read now, bypassing the cache: for the rare request that read the version
    stamp just before an organ's creation committed and then met the new organ."""
    return _load()


def invalidate() -> None:
    """Every process reloads the tree once the caller's transaction commits."""
    versions.bump(versions.ORGANS, versions.CATALOG)


def subtree_ids(organ_id: int) -> set[int]:
    return organ_tree().descendant_ids(organ_id)


def scope_ids(organ_id: int, *, own: bool = False, tree: OrganTree | None = None) -> set[int]:
    """The organs a list filtered by an organ covers: a government's lists include its
    subordinates (domain.md「Organs」) unless the organ alone is asked for (``own``: the list
    behind a figure of the supervision table). ``tree``: the one the caller already holds."""
    return {organ_id} if own else (tree or organ_tree()).descendant_ids(organ_id)


def navigation_tree() -> list[OrganNode]:
    return organ_tree().roots
