"""One XMP packet, edited in place: the properties PhotoTriage manages are set or removed and
everything else (darktable's history stack, digiKam tags, Lightroom develop settings, comments,
the ``<?xpacket?>`` wrapper and padding) is kept as it was. Namespace prefixes are kept; only
where the declarations sit may change (ElementTree writes them on the root element), which XML
gives the same meaning."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
X = "adobe:ns:meta/"
XMP = "http://ns.adobe.com/xap/1.0/"
DC = "http://purl.org/dc/elements/1.1/"
DARKTABLE = "http://darktable.sf.net/"
DIGIKAM = "http://www.digikam.org/ns/1.0/"
LIGHTROOM = "http://ns.adobe.com/lightroom/1.0/"
PREFIXES = {"x": X, "rdf": RDF, "xmp": XMP, "dc": DC, "darktable": DARKTABLE, "digiKam": DIGIKAM, "lr": LIGHTROOM}
_CONTAINERS = ("Bag", "Seq", "Alt")

EMPTY = ("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
         f"<x:xmpmeta xmlns:x=\"{X}\" x:xmptk=\"PhotoTriage\">\n"
         f" <rdf:RDF xmlns:rdf=\"{RDF}\">\n  <rdf:Description rdf:about=\"\"/>\n </rdf:RDF>\n</x:xmpmeta>\n"
         "<?xpacket end=\"w\"?>\n")


class XmpError(ValueError):
    """Not an XMP packet this program can edit safely (malformed XML, no rdf:RDF)."""


def _value_holder(el: ET.Element) -> ET.Element | None:
    """Where a simple property element keeps its value: itself (its text, or an ``rdf:value``
    attribute), or its ``rdf:value`` child (a value with qualifiers); None for an array or a
    struct."""
    if len(el) == 0:
        return el
    return el.find(_q(RDF, "value"))


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _root_span(text: str) -> tuple[int, int]:
    """(start, end) of the root element in ``text``: what lies around it (the xpacket wrapper,
    comments, padding) is kept verbatim."""
    start = re.search(r"<(?![?!])", text)
    if start is None:
        raise XmpError("no XML element in the file")
    name = re.match(r"<([^\s/>]+)", text[start.start():])
    if name is None:
        raise XmpError("malformed XML")
    close = text.rfind(f"</{name.group(1)}>")
    if close < 0:
        end = text.find("/>", start.start())       # a root that closes itself
        if end < 0:
            raise XmpError(f"the <{name.group(1)}> element is never closed")
        return start.start(), end + 2
    return start.start(), close + len(name.group(1)) + 3


class XmpDocument:
    def __init__(self, text: str) -> None:
        self.text = text
        a, b = _root_span(text)
        self._before, self._after = text[:a], text[b:]
        body = text[a:b]
        try:
            self._prefixes = {prefix: uri for _event, (prefix, uri) in
                              ET.iterparse(__import__("io").StringIO(body), events=("start-ns",))}
            parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True))
            self.root = ET.fromstring(body, parser=parser)
        except ET.ParseError as exc:
            raise XmpError(f"malformed XML: {exc}") from exc
        rdf = self.root if self.root.tag == _q(RDF, "RDF") else self.root.find(f".//{_q(RDF, 'RDF')}")
        if rdf is None:
            raise XmpError("no rdf:RDF element: not an XMP packet")
        self.rdf = rdf

    @classmethod
    def new(cls) -> "XmpDocument":
        return cls(EMPTY)

    # reading ---------------------------------------------------------------
    def descriptions(self) -> list[ET.Element]:
        return self.rdf.findall(_q(RDF, "Description"))

    def get(self, ns: str, name: str) -> str | None:
        """A simple property, written as an attribute or as an element, in any Description (a
        value with qualifiers, ``rdf:value`` inside the element, counts as its value)."""
        for d in self.descriptions():
            if _q(ns, name) in d.attrib:
                return d.attrib[_q(ns, name)]
            el = d.find(_q(ns, name))
            if el is not None:
                holder = _value_holder(el)
                if holder is el and _q(RDF, "value") in el.attrib:
                    return el.attrib[_q(RDF, "value")].strip()
                if holder is not None:
                    return (holder.text or "").strip()
        return None

    def get_list(self, ns: str, name: str) -> list[str]:
        """The items of an array property (rdf:Bag, rdf:Seq or rdf:Alt)."""
        el = self._array(ns, name)
        if el is None:
            return []
        return [(li.text or "").strip() for li in el.findall(_q(RDF, "li"))]

    def _array(self, ns: str, name: str) -> ET.Element | None:
        for d in self.descriptions():
            prop = d.find(_q(ns, name))
            if prop is not None:
                for kind in _CONTAINERS:
                    arr = prop.find(_q(RDF, kind))
                    if arr is not None:
                        return arr
        return None

    # editing ---------------------------------------------------------------
    def _first_description(self) -> ET.Element:
        ds = self.descriptions()
        if ds:
            return ds[0]
        d = ET.SubElement(self.rdf, _q(RDF, "Description"), {_q(RDF, "about"): ""})
        return d

    def set(self, ns: str, name: str, value: str | None) -> bool:
        """Set (or with None remove) a simple property where it is; a new one becomes an
        attribute of the first Description. Returns whether anything changed."""
        for d in self.descriptions():
            if _q(ns, name) in d.attrib:
                if value is None:
                    del d.attrib[_q(ns, name)]
                    return True
                changed = d.attrib[_q(ns, name)] != value
                d.attrib[_q(ns, name)] = value
                return changed
            el = d.find(_q(ns, name))
            if el is not None:
                holder = _value_holder(el)
                if holder is None:              # an array or a struct where a value belongs
                    raise XmpError(f"{name} is not a simple value here: the sidecar is left as it is")
                if value is None:
                    d.remove(el)
                    return True
                if holder is el and _q(RDF, "value") in el.attrib:
                    changed = el.attrib[_q(RDF, "value")] != value
                    el.attrib[_q(RDF, "value")] = value
                    return changed
                changed = (holder.text or "").strip() != value
                holder.text = value
                return changed
        if value is None:
            return False
        self._first_description().set(_q(ns, name), value)
        return True

    def set_list(self, ns: str, name: str, items: list[str], kind: str = "Bag") -> bool:
        """Replace an array property's items (kept in its own container kind); an empty list
        removes the property. Returns whether anything changed."""
        if self.get_list(ns, name) == items:
            return False
        for d in self.descriptions():
            prop = d.find(_q(ns, name))
            if prop is not None:
                if not items:
                    d.remove(prop)
                    return True
                arr = self._array(ns, name)
                if arr is None:
                    arr = ET.SubElement(prop, _q(RDF, kind))
                for li in arr.findall(_q(RDF, "li")):
                    arr.remove(li)
                for item in items:
                    ET.SubElement(arr, _q(RDF, "li")).text = item
                return True
        if not items:
            return False
        prop = ET.SubElement(self._first_description(), _q(ns, name))
        arr = ET.SubElement(prop, _q(RDF, kind))
        for item in items:
            ET.SubElement(arr, _q(RDF, "li")).text = item
        return True

    def serialize(self) -> str:
        for prefix, uri in {**PREFIXES, **self._prefixes}.items():
            if prefix and not re.fullmatch(r"ns\d+", prefix):
                ET.register_namespace(prefix, uri)
        body = ET.tostring(self.root, encoding="unicode")
        return self._before + body + self._after


def find_packet(data: bytes) -> str | None:
    """The XMP packet embedded in a file's bytes (JPEG APP1, TIFF, PNG iTXt, DNG...), or None."""
    start = data.find(b"<x:xmpmeta")
    if start < 0:
        return None
    end = data.find(b"</x:xmpmeta>", start)
    if end < 0:
        return None
    return data[start:end + len(b"</x:xmpmeta>")].decode("utf-8", errors="replace")
