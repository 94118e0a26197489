"""Chinese names: official short names, suffix variants, pinyin, traditional characters."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Register suffixes of village-level units, longest first, and the short form each becomes.
VILLAGE_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("村民委员会", "村"),
    ("居民委员会", ""),
    ("村委会", "村"),
    ("居委会", ""),
)
# Suffixes dropped to compare names: a village is 黄山店, 黄山店村 or 黄山店村委会 alike.
NAME_SUFFIXES = (
    "社区居民委员会",
    "社区居委会",
    "村民委员会",
    "居民委员会",
    "村委会",
    "居委会",
    "社区",
    "村",
    "街道办事处",
    "街道",
    "地区办事处",
    "地区",
    "镇",
    "乡",
)


def short_name(register_name: str) -> str:
    """The everyday name of a register unit: 黄山店村委会 → 黄山店村.

    >>> short_name("黄山店村委会"), short_name("翠堤清苑社区居民委员会"), short_name("周口店地区")
    ('黄山店村', '翠堤清苑社区', '周口店地区')
    """
    for suffix, repl in VILLAGE_SUFFIXES:
        if register_name.endswith(suffix) and len(register_name) > len(suffix):
            return register_name[: -len(suffix)] + repl
    return register_name


def stem(name: str) -> str:
    """A name without its administrative suffix, for comparing spellings.

    >>> stem("黄山店村委会"), stem("周口店镇"), stem("周口店地区")
    ('黄山店', '周口店', '周口店')
    """
    name = name.strip()
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=65536)
def pinyin(name: str) -> str:
    """Toneless pinyin, syllables joined: 黄山店村 → huangshandiancun.

    >>> pinyin("黄山店村")
    'huangshandiancun'
    """
    return "".join(lazy_pinyin(name, errors="default")).lower()


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Pinyin initials: 黄山店 → hsd.

    >>> initials("黄山店")
    'hsd'
    """
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")).lower()


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional characters turned simplified: 黃山店 → 黄山店.

    >>> simplified("黃山店村")
    '黄山店村'
    """
    return str(_t2s().convert(text))
