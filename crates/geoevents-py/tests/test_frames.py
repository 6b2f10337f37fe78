"""to_geodataframe, and the package's stubs and import."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import geoevents
import pytest
from geoevents._frames import flatten


def test_events_become_points_in_epsg_4326_with_typed_dates(cli, docs):
    results = list(geoevents.extract_many(docs))
    gdf = geoevents.to_geodataframe(results)
    events = [e for r in cli.extract(docs) for e in r["events"]]
    assert len(gdf) == len(events) > 0
    assert gdf.crs.to_epsg() == 4326
    assert str(gdf["event_date"].dtype).startswith("datetime64")
    assert str(gdf["published_at"].dtype).startswith("datetime64") and str(gdf["published_at"].dt.tz) == "UTC"
    for (_, row), event in zip(gdf.iterrows(), events):
        assert row["id"] == event["id"]
        if event["place"] is None:
            assert row.geometry is None
        else:
            assert (row.geometry.x, row.geometry.y) == (event["place"]["lon"], event["place"]["lat"])
            assert row["place_id"] == event["place"]["id"]
        if event["event_date"]:
            assert row["event_date"].date().isoformat() == event["event_date"]


def test_toponyms_layer_names_each_document(docs):
    results = list(geoevents.extract_many(docs[:20]))
    gdf = geoevents.to_geodataframe(results, layer="toponyms")
    want = [(r["id"], t["start"]) for r in results for t in r["toponyms"]]
    assert list(zip(gdf["doc_id"], gdf["start"])) == want
    assert gdf.crs.to_epsg() == 4326


def test_a_single_result_and_an_unknown_layer():
    r = geoevents.extract("Heavy shelling struck Homs on Friday.", published_at="2024-11-30")
    assert len(geoevents.to_geodataframe(r)) == len(r["events"]) == 1
    with pytest.raises(ValueError, match="unknown layer 'areas'"):
        geoevents.to_geodataframe(r, layer="areas")


def test_flatten_prefixes_nested_fields():
    assert flatten({"a": 1, "place": {"id": "x", "lat": 2.0}, "l": [1]}) == {"a": 1, "place_id": "x", "place_lat": 2.0, "l": [1]}


def test_without_geopandas_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "geopandas", None)
    with pytest.raises(ImportError, match=r"needs GeoPandas, which is not installed: pip install 'geoevents\[geo\]'"):
        geoevents.to_geodataframe([])


def test_the_stubs_declare_every_public_function_with_its_parameters():
    stub = Path(geoevents.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    declared = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for name in geoevents.__all__:
        obj = getattr(geoevents, name)
        if not callable(obj) or isinstance(obj, type) and issubclass(obj, Exception):
            continue
        assert name in declared, f"{name} has no stub"
        if inspect.isfunction(obj):
            args = declared[name].args
            stub_params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            assert stub_params == list(inspect.signature(obj).parameters), name
            assert obj.__doc__, f"{name} has no docstring"
    assert (stub.parent / "py.typed").exists()


def test_importing_loads_no_gazetteer_and_no_geopandas():
    code = "import sys, geoevents; print(geoevents.gazetteer_loads(), 'geopandas' in sys.modules, 'pyspark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", "False", "False"]


def test_the_package_docstring_example_runs():
    import doctest

    failures, tried = doctest.testmod(geoevents)
    assert tried > 0 and failures == 0
