import type * as TS from 'typescript';

/** Keys of a config that hold code (a zod schema, an init hook): present at run time, not read by the build. */
export const RUNTIME_KEYS = new Set(['input', 'init']);

export type StaticResult = { ok: true; value: unknown } | { ok: false; node: TS.Node; message: string };

const NOT_STATIC =
  'must be a literal value (a string, number, boolean, array or object, or a const holding one): the build reads it without running your code';

/**
 * Reads a config expression without running it: literals, arrays, objects, spreads, consts that
 * hold literals, `as`/`satisfies`, template strings and arithmetic on numbers.
 */
export function staticValue(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.Expression,
  seen = new Set<TS.Node>(),
): StaticResult {
  const fail = (at: TS.Node, message = NOT_STATIC): StaticResult => ({ ok: false, node: at, message });
  const read = (n: TS.Expression): StaticResult => staticValue(ts, checker, n, seen);
  if (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    return read(node.expression);
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return { ok: true, value: node.text };
  if (ts.isNumericLiteral(node)) return { ok: true, value: Number(node.text) };
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { ok: true, value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { ok: true, value: false };
  if (node.kind === ts.SyntaxKind.NullKeyword) return { ok: true, value: null };
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const inner = read(node.operand);
    return inner.ok && typeof inner.value === 'number' ? { ok: true, value: -inner.value } : fail(node);
  }
  if (ts.isBinaryExpression(node)) {
    const left = read(node.left);
    const right = read(node.right);
    if (!left.ok) return left;
    if (!right.ok) return right;
    const [a, b] = [left.value, right.value];
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken:
        if (typeof a === 'number' && typeof b === 'number') return { ok: true, value: a + b };
        if (typeof a === 'string' || typeof b === 'string')
          return { ok: true, value: `${String(a)}${String(b)}` };
        return fail(node);
      case ts.SyntaxKind.MinusToken:
        return typeof a === 'number' && typeof b === 'number' ? { ok: true, value: a - b } : fail(node);
      case ts.SyntaxKind.AsteriskToken:
        return typeof a === 'number' && typeof b === 'number' ? { ok: true, value: a * b } : fail(node);
      default:
        return fail(node);
    }
  }
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const part = read(span.expression);
      if (!part.ok) return part;
      text += String(part.value) + span.literal.text;
    }
    return { ok: true, value: text };
  }
  if (ts.isArrayLiteralExpression(node)) {
    const out: unknown[] = [];
    for (const element of node.elements) {
      if (ts.isSpreadElement(element)) {
        const spread = read(element.expression);
        if (!spread.ok) return spread;
        if (!Array.isArray(spread.value)) return fail(element);
        out.push(...(spread.value as unknown[]));
      } else {
        const item = read(element);
        if (!item.ok) return item;
        out.push(item.value);
      }
    }
    return { ok: true, value: out };
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (ts.isSpreadAssignment(property)) {
        const spread = read(property.expression);
        if (!spread.ok) return spread;
        if (typeof spread.value !== 'object' || spread.value === null || Array.isArray(spread.value))
          return fail(property);
        Object.assign(out, spread.value);
        continue;
      }
      const name =
        property.name &&
        (ts.isIdentifier(property.name) ||
          ts.isStringLiteral(property.name) ||
          ts.isNumericLiteral(property.name))
          ? property.name.text
          : undefined;
      if (name === undefined) return fail(property, 'a config key must be a plain name (no computed keys)');
      if (RUNTIME_KEYS.has(name)) {
        out[name] = true;
        continue;
      }
      if (ts.isPropertyAssignment(property)) {
        const value = read(property.initializer);
        if (!value.ok) return value;
        out[name] = value.value;
      } else if (ts.isShorthandPropertyAssignment(property)) {
        const value = read(property.name);
        if (!value.ok) return value;
        out[name] = value.value;
      } else return fail(property);
    }
    return { ok: true, value: out };
  }
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
    if (ts.isIdentifier(node) && node.text === 'undefined') return { ok: true, value: undefined };
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    if (
      declaration &&
      ts.isVariableDeclaration(declaration) &&
      declaration.initializer &&
      !seen.has(declaration)
    ) {
      const isConst = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
      if (!isConst) return fail(node, `${node.getText()} is not a const: use a literal or a const`);
      seen.add(declaration);
      return read(declaration.initializer);
    }
    if (declaration && ts.isPropertyAssignment(declaration) && !seen.has(declaration)) {
      seen.add(declaration);
      return read(declaration.initializer);
    }
    if (declaration && ts.isEnumMember(declaration)) {
      const value = checker.getConstantValue(declaration);
      if (value !== undefined) return { ok: true, value };
    }
    return fail(node);
  }
  return fail(node);
}
