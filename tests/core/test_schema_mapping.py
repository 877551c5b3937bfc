"""The mapping JSON is the single source of fields: the model and the embedded layout follow it."""

from __future__ import annotations

from loupe_core.mapping import load_index_definition
from loupe_core.schema import Asset, normalize_taxonomy_path, taxonomy_ancestors
from loupe_core.settings import REPO_ROOT
from loupe_core.store.embedded.layout import EmbeddedLayout

DEFINITION = load_index_definition(REPO_ROOT / "mappings", "assets")


def test_asset_model_fields_are_the_mapping_properties() -> None:
    assert set(Asset.model_fields) == set(DEFINITION.properties)


def test_embedded_layout_derives_from_mapping() -> None:
    layout = EmbeddedLayout(DEFINITION)
    assert layout.fts_fields == ["title", "tags", "description", "ocr_text", "filename"]
    assert layout.fts_weights == sorted(layout.fts_weights, reverse=True)
    assert set(layout.list_fields) == {"tags", "groups", "taxonomy", "colors", "color_families", "color_lab"}
    assert not {"location", "provenance"} & set(layout.scalar_columns)  # structured: in the JSON doc only
    assert layout.vector_fields == ["image_vector", "text_vector"]
    assert DEFINITION.vector_dimension("image_vector") == 512
    assert DEFINITION.vector_dimension("text_vector") == 384


def test_vectors_use_lucene_hnsw_cosine() -> None:
    for field in ("image_vector", "text_vector"):
        method = DEFINITION.properties[field]["method"]
        assert (method["name"], method["engine"], method["space_type"]) == ("hnsw", "lucene", "cosinesimil")


def test_taxonomy_paths_are_normalised() -> None:
    assert normalize_taxonomy_path(" Food / Fruit/ ") == "Food/Fruit"
    assert taxonomy_ancestors("Food/Fruit/Apple") == ["Food", "Food/Fruit", "Food/Fruit/Apple"]
    asset = Asset(id="x", taxonomy=["Food/ Fruit", "Food/Fruit", ""], tags=[" cat", "cat", ""])
    assert asset.taxonomy == ["Food/Fruit"]
    assert asset.tags == ["cat"]
