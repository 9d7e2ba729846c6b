"""Checks run in a real browser page, shared by the browser tests."""

from __future__ import annotations


def broken_words(page, selector: str) -> list[str]:
    """Words inside visible elements matching ``selector`` that wrap inside themselves
    ("Deactiv/ate", "(calen/dar)"): each word's text should sit on one line (a break after
    a hyphen is a line break like a space)."""
    return page.evaluate(
        """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.getBoundingClientRect().width < 2) { continue; }
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.getClientRects().length) { continue; }
      const style = getComputedStyle(node.parentElement);
      if (style.position === 'absolute' && style.clip !== 'auto') { continue; }
      for (const match of node.textContent.matchAll(/[^\\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) { broken.push(match[0]); }
      }
    }
  }
  return broken;
}""",
        selector,
    )
