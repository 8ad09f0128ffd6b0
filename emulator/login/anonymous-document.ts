import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';

/**
 * Whether the operation a GraphQL document runs selects only `allowed` root fields (fragments are followed).
 * A document that does not parse, or names no operation to run, is not allowed: graphql-js would refuse it
 * anyway, and a caller without a key learns nothing from a syntax error.
 */
export function onlyFields(
  source: string,
  allowed: ReadonlySet<string>,
  operationName: string | null | undefined,
): boolean {
  let document: DocumentNode;
  try {
    document = parse(source);
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName == null
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.name?.value === operationName);
  if (!operation) return false;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
  );
  const seen = new Set<string>();
  const check = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) return allowed.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return check(s.selectionSet);
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) return fragment !== undefined;
      seen.add(s.name.value);
      return check(fragment.selectionSet);
    });
  return check(operation.selectionSet);
}
