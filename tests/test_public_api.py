"""The public API bots are written against."""

import sepbots


def test_all_lists_exactly_the_public_names() -> None:
    """Every name in __all__ exists, and every public attribute that is not a submodule is in __all__."""
    import types

    public = {n for n in dir(sepbots) if not n.startswith("_") and not isinstance(getattr(sepbots, n), types.ModuleType)}
    assert set(sepbots.__all__) - {"__version__"} == public
    assert sorted(sepbots.__all__) == sepbots.__all__
