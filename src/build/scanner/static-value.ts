import type * as TS from 'typescript';

/** Keys of a config that hold code (a zod schema, an init hook): present at run time, not read by the build. */
export const RUNTIME_KEYS = new Set(['input', 'init']);

export type StaticResult = { ok: true; value: unknown } | { ok: false; node: TS.Node; message: string };
type StaticFailure = Extract<StaticResult, { ok: false }>;

const NOT_STATIC =
  'must be a literal value (a string, number, boolean, array or object, or a const holding one): the build reads it without running your code';

/**
 * SDK functions whose call the build may read: the function's symbol → what its literal arguments make.
 * `secret('HF_TOKEN')` is the one way a config names a value the build must not see.
 */
export type StaticCalls = ReadonlyMap<TS.Symbol, (args: unknown[]) => unknown>;

/** `seen`: the declarations already followed, so a const that refers back to itself fails, not loops. */
interface Evaluation {
  ts: typeof TS;
  checker: TS.TypeChecker;
  seen: Set<TS.Node>;
  calls: StaticCalls;
}

const succeed = (value: unknown): StaticResult => ({ ok: true, value });

function fail(at: TS.Node, message = NOT_STATIC): StaticFailure {
  return { ok: false, node: at, message };
}

/**
 * Reads a config expression without running it: literals, arrays, objects, spreads, consts that
 * hold literals, `as`/`satisfies`, template strings and arithmetic on numbers.
 */
export function staticValue(
  ts: typeof TS,
  checker: TS.TypeChecker,
  node: TS.Expression,
  calls: StaticCalls = new Map(),
): StaticResult {
  return evaluate({ ts, checker, seen: new Set(), calls }, node);
}

function evaluate(ev: Evaluation, node: TS.Expression): StaticResult {
  const { ts } = ev;
  if (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  )
    return evaluate(ev, node.expression);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken)
    return readNegation(ev, node);
  if (ts.isBinaryExpression(node)) return readArithmetic(ev, node);
  if (ts.isTemplateExpression(node)) return readTemplate(ev, node);
  if (ts.isArrayLiteralExpression(node)) return readArray(ev, node);
  if (ts.isObjectLiteralExpression(node)) return readObject(ev, node);
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) return readReference(ev, node);
  if (ts.isCallExpression(node)) return readCall(ev, node);
  return readLiteral(ts, node);
}

/** Last in the dispatch: what is not a literal by now cannot be read without running it. */
function readLiteral(ts: typeof TS, node: TS.Expression): StaticResult {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return succeed(node.text);
  if (ts.isNumericLiteral(node)) return succeed(Number(node.text));
  if (node.kind === ts.SyntaxKind.TrueKeyword) return succeed(true);
  if (node.kind === ts.SyntaxKind.FalseKeyword) return succeed(false);
  if (node.kind === ts.SyntaxKind.NullKeyword) return succeed(null);
  return fail(node);
}

/** A call of one of the SDK's readable functions (`secret`, `runpodSecret`) with literal arguments. */
function readCall(ev: Evaluation, node: TS.CallExpression): StaticResult {
  const { ts, checker } = ev;
  let symbol = checker.getSymbolAtLocation(node.expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const make = symbol && ev.calls.get(symbol);
  if (!make) return fail(node);
  const args: unknown[] = [];
  for (const arg of node.arguments) {
    const read = evaluate(ev, arg);
    if (!read.ok) return read;
    args.push(read.value);
  }
  try {
    return succeed(make(args));
  } catch (error) {
    return fail(node, (error as Error).message);
  }
}

function readNegation(ev: Evaluation, node: TS.PrefixUnaryExpression): StaticResult {
  const inner = evaluate(ev, node.operand);
  return inner.ok && typeof inner.value === 'number' ? succeed(-inner.value) : fail(node);
}

function readArithmetic(ev: Evaluation, node: TS.BinaryExpression): StaticResult {
  const left = evaluate(ev, node.left);
  const right = evaluate(ev, node.right);
  if (!left.ok) return left;
  if (!right.ok) return right;
  const [a, b] = [left.value, right.value];
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  switch (node.operatorToken.kind) {
    case ev.ts.SyntaxKind.PlusToken:
      if (bothNumbers) return succeed(a + b);
      if (typeof a === 'string' || typeof b === 'string') return succeed(`${String(a)}${String(b)}`);
      return fail(node);
    case ev.ts.SyntaxKind.MinusToken:
      return bothNumbers ? succeed(a - b) : fail(node);
    case ev.ts.SyntaxKind.AsteriskToken:
      return bothNumbers ? succeed(a * b) : fail(node);
    default:
      return fail(node);
  }
}

function readTemplate(ev: Evaluation, node: TS.TemplateExpression): StaticResult {
  let text = node.head.text;
  for (const span of node.templateSpans) {
    const part = evaluate(ev, span.expression);
    if (!part.ok) return part;
    text += String(part.value) + span.literal.text;
  }
  return succeed(text);
}

function readArray(ev: Evaluation, node: TS.ArrayLiteralExpression): StaticResult {
  const out: unknown[] = [];
  for (const element of node.elements) {
    const failure = appendElement(ev, element, out);
    if (failure) return failure;
  }
  return succeed(out);
}

function appendElement(ev: Evaluation, element: TS.Expression, out: unknown[]): StaticFailure | undefined {
  if (!ev.ts.isSpreadElement(element)) {
    const item = evaluate(ev, element);
    if (!item.ok) return item;
    out.push(item.value);
    return undefined;
  }
  const spread = evaluate(ev, element.expression);
  if (!spread.ok) return spread;
  if (!Array.isArray(spread.value)) return fail(element);
  out.push(...(spread.value as unknown[]));
  return undefined;
}

function readObject(ev: Evaluation, node: TS.ObjectLiteralExpression): StaticResult {
  const out: Record<string, unknown> = {};
  for (const property of node.properties) {
    const failure = ev.ts.isSpreadAssignment(property)
      ? spreadInto(ev, property, out)
      : assignProperty(ev, property, out);
    if (failure) return failure;
  }
  return succeed(out);
}

function spreadInto(
  ev: Evaluation,
  property: TS.SpreadAssignment,
  out: Record<string, unknown>,
): StaticFailure | undefined {
  const spread = evaluate(ev, property.expression);
  if (!spread.ok) return spread;
  if (typeof spread.value !== 'object' || spread.value === null || Array.isArray(spread.value))
    return fail(property);
  Object.assign(out, spread.value);
  return undefined;
}

function assignProperty(
  ev: Evaluation,
  property: TS.ObjectLiteralElementLike,
  out: Record<string, unknown>,
): StaticFailure | undefined {
  const { ts } = ev;
  const name = readPlainKey(ts, property.name);
  if (name === undefined) return fail(property, 'a config key must be a plain name (no computed keys)');
  if (RUNTIME_KEYS.has(name)) {
    out[name] = true;
    return undefined;
  }
  let value: StaticResult;
  if (ts.isPropertyAssignment(property)) value = evaluate(ev, property.initializer);
  else if (ts.isShorthandPropertyAssignment(property)) value = evaluate(ev, property.name);
  else return fail(property);
  if (!value.ok) return value;
  out[name] = value.value;
  return undefined;
}

function readPlainKey(ts: typeof TS, name: TS.PropertyName | undefined): string | undefined {
  return name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
    ? name.text
    : undefined;
}

/** A name or `a.b`: followed to the const, object property or enum member that holds its value. */
function readReference(ev: Evaluation, node: TS.Identifier | TS.PropertyAccessExpression): StaticResult {
  const { ts, checker, seen } = ev;
  if (ts.isIdentifier(node) && node.text === 'undefined') return succeed(undefined);
  let symbol = checker.getSymbolAtLocation(node);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.valueDeclaration;
  if (declaration && !seen.has(declaration)) {
    if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
      const isConst = (ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const) !== 0;
      if (!isConst) return fail(node, `${node.getText()} is not a const: use a literal or a const`);
      seen.add(declaration);
      return evaluate(ev, declaration.initializer);
    }
    if (ts.isPropertyAssignment(declaration)) {
      seen.add(declaration);
      return evaluate(ev, declaration.initializer);
    }
  }
  if (declaration && ts.isEnumMember(declaration)) {
    const value = checker.getConstantValue(declaration);
    if (value !== undefined) return succeed(value);
  }
  const fromEnv = /^process\.env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(node.getText());
  if (fromEnv)
    return fail(
      node,
      `reads the build machine's environment, which the build never does: for a secret, write secret('${fromEnv[1]}') (read when you deploy, never stored)`,
    );
  return fail(node);
}
