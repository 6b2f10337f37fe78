"""The exceptions of geoevents. Their messages are the command line's."""


class GeoeventsError(Exception):
    """The base of every error that geoevents raises (besides ``TypeError``
    for arguments of the wrong type)."""


class DocumentError(GeoeventsError, ValueError):
    """A document that cannot be geoparsed: empty text, a blank id, text over
    ``max_document_bytes``, a lone surrogate in the text. The message is the
    one ``geoevents extract`` gives for such a JSONL line, after the
    document's position (``document 3: "text" is empty``)."""


class GazetteerError(GeoeventsError, OSError):
    """A gazetteer file that cannot be opened or is not a gazetteer."""
