"""markdown-it-py's token stream flattened into headings, text lines and fenced blocks, with line numbers.

Structure comes from the tokens (headings, list nesting, fences), line numbers from `token.map`.
A paragraph's inline text is split at its soft breaks so that `Action: x` and `Params: {...}` written
on consecutive lines of one list item are two lines, each with its own number.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt

# Only the block structure is needed: each inline token's raw `content` is read, never its
# children, so the inline pass (emphasis, links, entities) is switched off; it was half the time.
_MD = MarkdownIt("commonmark").disable("inline")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class TextLine:
    text: str
    line: int
    depth: int  # list nesting: 0 for a paragraph, 1 for a top-level bullet, 2 for a nested one...
    item_start: bool  # the first line of a list item


@dataclass(frozen=True)
class Fence:
    info: str
    content: str
    line: int  # the opening fence's line


Block = Heading | TextLine | Fence


def to_blocks(text: str) -> list[Block]:
    tokens = _MD.parse(text)
    blocks: list[Block] = []
    depth = 0
    item_open = False
    skip_next_inline = False
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            inline = tokens[index + 1]
            line = token.map[0] + 1 if token.map else 1
            blocks.append(Heading(int(token.tag[1:]), inline.content.strip(), line))
            skip_next_inline = True
        elif kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            item_open = True
        elif kind == "inline":
            if skip_next_inline:
                skip_next_inline = False
                continue
            start = token.map[0] + 1 if token.map else 1
            for offset, part in enumerate(token.content.split("\n")):
                blocks.append(TextLine(part.strip(), start + offset, depth, item_open and offset == 0))
            item_open = False
        elif kind in ("fence", "code_block"):
            line = token.map[0] + 1 if token.map else 1
            blocks.append(Fence(token.info.strip().lower(), token.content, line))
            item_open = False
    return blocks
