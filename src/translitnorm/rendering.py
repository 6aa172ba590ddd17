"""What the index files for one distinct name part: its renderings under every scheme, reduced to
the forms it is found by.

Rendering and reducing are nearly all the work of compiling an index (:mod:`translitnorm.index`),
and each part's forms depend on the part alone, so many parts are shared with helper processes
(``python -m translitnorm.render_worker``); the index only files what they give.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Iterator, NamedTuple

from translitnorm.crosslang import variants
from translitnorm.keys import exact_form, folded_form, matching_key
from translitnorm.romanise import romanisations, schemes
from translitnorm.runtime import available_cores  # the one definition of "how many cores"

log = logging.getLogger("translitnorm.cache")

# Pseudo-schemes: a Latin name written in the lexicon, and a Cyrillic name as written.
LEXICON_SCHEME = "lexicon"
CYRILLIC_SCHEME = "cyrillic"

# Cyrillic-script languages whose names are, besides their own schemes, very often
# romanised the Russian way (through a Russian-language press or passport office).
_ALSO_RUSSIAN = {"ky", "kk", "uz", "tg", "tk", "be", "uk", "mn", "tt", "ba"}


def scheme_languages(lang: str) -> list[str]:
    """The source languages whose schemes romanise a name written in ``lang``."""
    base = lang.split("-")[0]
    available = {scheme.lang for scheme in schemes()}
    langs = [base] if base in available else []
    if (base in _ALSO_RUSSIAN or not langs) and "ru" not in langs:
        langs.append("ru")
    return langs


class PartRenderings(NamedTuple):
    """Every rendering of one distinct name part: what the index files for it."""

    own: dict[str, str]  # scheme id -> rendering of the part as written (or the Latin part itself)
    # Per form of the name in another Cyrillic language (Харьков → Харків, Харкаў): scheme id ->
    # rendering of that form, the form as written under CYRILLIC_SCHEME.
    other_languages: tuple[dict[str, str], ...]


def render_part(text: str, lang: str) -> PartRenderings:
    """Every rendering of a name part in ``lang`` ('' for a Latin part) that the index files.

    >>> rendered = render_part("Харьков", "ru")
    >>> rendered.own["ru-bgn"], any(forms["cyrillic"] == "Харків" for forms in rendered.other_languages)
    ('Kharʹkov', True)
    """
    if not lang:
        return PartRenderings({LEXICON_SCHEME: text}, ())
    own = {CYRILLIC_SCHEME: text}
    for source_lang in scheme_languages(lang):
        for scheme_id, rendering in romanisations(text, lang=source_lang).items():
            own.setdefault(scheme_id, rendering)
    other_languages = []
    # same_spelling: a name written alike in another language is romanised under that
    # language's schemes too (Гомель → Belarusian Homiel, Homel).
    for variant in variants(text, lang, same_spelling=True):
        renderings = {CYRILLIC_SCHEME: variant.text}
        if variant.lang in scheme_langs():
            renderings.update(romanisations(variant.text, lang=variant.lang))
        other_languages.append(renderings)
    return PartRenderings(own, tuple(other_languages))


class PartForms(NamedTuple):
    """What the index files for one distinct name part: every form it is found by, each with the
    bit set of the schemes (numbered as :func:`scheme_ids`) whose rendering gave it, in filing order."""

    exact: tuple[tuple[str, int], ...]
    folded: tuple[tuple[str, int], ...]
    keys: tuple[tuple[str, int], ...]
    cross: tuple[tuple[str, int], ...]  # its forms in the other Cyrillic languages (not among its own)
    initials: str  # the letters its exact forms start with, sorted


@functools.cache
def scheme_ids() -> tuple[str, ...]:
    """Every scheme an index records, in the order of its scheme bit sets."""
    return (LEXICON_SCHEME, CYRILLIC_SCHEME) + tuple(scheme.id for scheme in schemes())


@functools.cache
def _scheme_bits() -> dict[str, int]:
    return {scheme_id: 1 << number for number, scheme_id in enumerate(scheme_ids())}


def part_forms(text: str, lang: str) -> PartForms:
    """The forms of a name part in ``lang`` ('' for a Latin part) that the index files.

    >>> forms = part_forms("Бакиев", "ky")
    >>> exact = dict(forms.exact)
    >>> "бакиев" in exact, "bakiyev" in exact, "bakijew" in exact, forms.initials
    (True, True, True, 'bб')
    """
    rendered = render_part(text, lang)
    own = _scheme_masks(rendered.own)
    cross = _cross_forms(own, rendered.other_languages) if rendered.other_languages else ()
    tables = []
    for reduce in (exact_form, folded_form, matching_key):
        masks: dict[str, int] = {}
        for rendering, mask in own.items():
            form = reduce(rendering)
            if form and not (reduce is matching_key and _key_says_too_little(form, rendering)):
                masks[form] = masks.get(form, 0) | mask
        tables.append(tuple(masks.items()))
    initials = "".join(sorted({form[0] for form, _ in tables[0]}))
    return PartForms(tables[0], tables[1], tables[2], cross, initials)


# A key of fewer letters than this is filed only for a rendering no longer than this: the
# French rendering of Жижич, Jijitch, reduces to the key "iч" (j, i and y are one key letter
# and runs of one letter collapse), which the German word "Ich" also has, and a word of
# three letters must not find a surname of six. Short names keep their short keys (Li, Lee).
_SHORTEST_KEY_OF_A_LONGER_NAME = 3


def _key_says_too_little(key: str, rendering: str) -> bool:
    """Whether ``key`` lost most of the letters of ``rendering`` (see _SHORTEST_KEY_OF_A_LONGER_NAME)."""
    return len(key) < _SHORTEST_KEY_OF_A_LONGER_NAME < len(exact_form(rendering))


def _scheme_masks(renderings: dict[str, str]) -> dict[str, int]:
    """Each distinct rendering with the bit set of the schemes that gave it, in order of first appearance
    (about 45 schemes give a name part some ten distinct renderings: each is reduced once, and the
    forms made from them come in the same order as rendering by rendering)."""
    bits = _scheme_bits()
    masks: dict[str, int] = {}
    for scheme_id, rendering in renderings.items():
        masks[rendering] = masks.get(rendering, 0) | bits[scheme_id]
    return masks


def _cross_forms(own: dict[str, int], other_languages: tuple[dict[str, str], ...]) -> tuple[tuple[str, int], ...]:
    own_forms = {exact_form(rendering) for rendering in own} | {folded_form(rendering) for rendering in own}
    filed: dict[str, int] = {}
    for renderings in other_languages:
        masks: dict[str, int] = {}
        for rendering, mask in _scheme_masks(renderings).items():
            # dict, not set: the same insertion order in every run, so the same cache bytes
            for form in dict.fromkeys((exact_form(rendering), folded_form(rendering))):
                if form and form not in own_forms:
                    masks[form] = masks.get(form, 0) | mask
        for form, mask in masks.items():
            if form not in filed:  # else an earlier, more regular variant already gives this form
                filed[form] = mask
    return tuple(filed.items())


@functools.cache
def scheme_langs() -> frozenset[str]:
    """The languages that have schemes of their own."""
    return frozenset(scheme.lang for scheme in schemes())


# Rendering and reducing are ~2 ms a part (≈ 45 schemes, and as many again for the forms in other Cyrillic
# languages); starting a process and loading the schemes in it costs about a second, so more
# processes pay only from some thousands of parts on.
PARALLEL_MIN_PARTS = 8_000
# Parts travel to and from the helpers in chunks of this many (about half a second of work):
# whichever process is free takes the next chunk, so all end within a chunk of each other although
# the main process also files every part; a chunk's messages cost a few milliseconds.
CHUNK_PARTS = 250
# Chunks a helper holds at once: it renders the next while its last result is being read.
_CHUNKS_AHEAD = 2


def rendered_parts(parts: list[tuple[str, str]], jobs: int | None) -> Iterator[PartForms]:
    """``part_forms`` of every part, in order; shared with ``jobs - 1`` helper processes when
    there are many parts (one process per core by default).

    The helpers start rendering at once, before the first part is asked for, so the caller may do
    other work meanwhile; the main process renders chunks too, as it is asked for parts.

    The helpers are ``python -m translitnorm.render_worker`` processes fed through pipes, not a
    multiprocessing pool: a pool's spawned children import the caller's main script again,
    which fails or repeats work in scripts without a ``__main__`` guard, and forking a process
    that holds threads (pyarrow's, a server's) is unsafe. A chunk a helper fails to render is
    rendered here, so the result never depends on the helpers.
    """
    processes = available_cores() if jobs is None else jobs
    if processes <= 1 or len(parts) < PARALLEL_MIN_PARTS:
        return (part_forms(text, lang) for text, lang in parts)
    return _SharedRendering(parts, processes - 1).results()


class _SharedRendering:
    """Chunks of parts rendered by the main process and helper processes, each taking the next chunk
    when free; the results come out in part order. A thread per helper feeds it and reads its results
    (waiting on a pipe, it leaves the main thread free to render)."""

    def __init__(self, parts: list[tuple[str, str]], helpers: int):
        import threading

        self.chunks = [parts[start:start + CHUNK_PARTS] for start in range(0, len(parts), CHUNK_PARTS)]
        self.done: dict[int, list[PartForms]] = {}
        self.unclaimed = list(range(len(self.chunks) - 1, -1, -1))  # taken from the end: lowest first
        self.changed = threading.Condition()
        self.threads = []
        for _ in range(helpers):
            helper = _start_render_helper()
            if helper is None:
                break
            thread = threading.Thread(target=self._serve, args=(helper,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _claim(self) -> int | None:
        with self.changed:
            return self.unclaimed.pop() if self.unclaimed else None

    def _deliver(self, number: int, forms: list[PartForms]) -> None:
        with self.changed:
            self.done[number] = forms
            self.changed.notify_all()

    def _serve(self, helper) -> None:
        import pickle

        sent: list[int] = []  # chunks the helper holds, oldest first
        try:
            while True:
                while len(sent) < _CHUNKS_AHEAD and (number := self._claim()) is not None:
                    sent.append(number)
                    pickle.dump(self.chunks[number], helper.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                    helper.stdin.flush()
                if not sent:
                    break
                rendered = pickle.load(helper.stdout)
                number = sent[0]
                if len(rendered) != len(self.chunks[number]):
                    raise ValueError(f"{len(rendered)} parts rendered of {len(self.chunks[number])}")
                self._deliver(number, [PartForms(*forms) for forms in rendered])
                sent.pop(0)
        except Exception as exc:  # noqa: BLE001 - whatever goes wrong in a helper, its chunks are rendered here
            log.warning("a helper process compiling the index failed (%s); compiling its chunks here", exc)
            with self.changed:
                self.unclaimed.extend(reversed(sent))  # given back: taken first
                self.changed.notify_all()
        finally:
            for pipe in (helper.stdin, helper.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
            if helper.poll() is None:
                try:
                    helper.wait(timeout=5)
                except Exception:  # noqa: BLE001 - a helper that does not end when its input does is ended
                    helper.kill()
                    helper.wait()

    def results(self) -> Iterator[PartForms]:
        try:
            for number in range(len(self.chunks)):
                while number not in self.done:
                    claimed = self._claim()
                    if claimed is not None:
                        self.done[claimed] = [part_forms(text, lang) for text, lang in self.chunks[claimed]]
                        continue
                    with self.changed:
                        if number not in self.done and not self.unclaimed:
                            self.changed.wait()
                yield from self.done.pop(number)
        finally:
            with self.changed:
                self.unclaimed.clear()  # the helpers stop after the chunks they hold
            for thread in self.threads:
                thread.join()


def _start_render_helper():
    """A ``render_worker`` process with pipes to it, or None when none can be started."""
    import subprocess
    import sys

    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    try:
        return subprocess.Popen([sys.executable, "-m", "translitnorm.render_worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=env)
    except OSError as exc:
        log.warning("could not start a helper process to compile the index (%s); compiling its share here", exc)
        return None
