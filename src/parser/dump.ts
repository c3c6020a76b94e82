// Renders the node tree exactly like BuildKit's `(*parser.Node).Dump()` (the `result` files).

import type { AstNode } from './ast-line-parsers.js';
import { goQuote, trimSpace } from './go-text.js';

/** One instruction as an s-expression: `(copy ["--from=a"] "src" "/dst")` without the parentheses. */
export function dumpNode(node: AstNode): string {
  let out = node.keyword.toLowerCase();
  if (node.flags.length > 0) out += ` [${node.flags.map(goQuote).join(' ')}]`;
  if (node.trigger) out += ` ${trimSpace(`(${dumpNode(node.trigger)})\n`)}`;
  else for (const arg of node.args) out += ` ${goQuote(arg)}`;
  return trimSpace(out);
}

/** The whole file: one `(instruction ...)` line each, newline-terminated like the `result` files. */
export function dumpAst(nodes: AstNode[]): string {
  return `${trimSpace(nodes.map((node) => `(${dumpNode(node)})\n`).join(''))}\n`;
}
