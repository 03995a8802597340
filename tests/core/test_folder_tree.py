"""The library's folder tree with photo counts (the Library view's folder panel)."""
from app.core.folder_tree import folder_tree


def test_tree_counts_each_folder_with_its_subfolders():
    tree = folder_tree(["/lib/b/x.jpg", "/lib/a/1.jpg", "/lib/a/deep/2.jpg", "/lib/a/deep/3.jpg", "/lib/top.jpg",
                        "/elsewhere/o.jpg"], root="/lib")
    assert (tree.path, tree.count) == ("/lib", 6)
    assert [(c.name, c.count) for c in tree.children] == [("a", 3), ("b", 1)]
    deep = tree.children[0].children
    assert [(c.name, c.path, c.count) for c in deep] == [("deep", "/lib/a/deep", 2)]
    assert [n.name for n in tree.walk()] == ["/lib", "a", "deep", "b"]


def test_without_a_root_the_common_folder_is_the_top():
    tree = folder_tree(["/p/x/1.jpg", "/p/y/2.jpg"])
    assert tree.path == "/p" and [c.name for c in tree.children] == ["x", "y"]
    assert folder_tree([]).count == 0
