import type * as TS from 'typescript';
import { resolveSymbol } from './program-queries';
import type { AppProgram } from './ts-program';

/**
 * Which QB endpoints a piece of code reaches: a reference to an endpoint's function (a call, or the
 * function passed as a value), directly or through the app's own helpers, aliases, re-exports and
 * dynamic `import()`. Code outside the app (node_modules, the SDK) is not followed.
 */
export class RemoteCallAnalysis {
  constructor(
    private readonly app: AppProgram,
    /** Declarations of QB endpoints → their names. */
    private readonly queueEndpoints: Map<TS.Node, string>,
  ) {}

  callsFrom(roots: readonly TS.Node[], self: string): string[] {
    const found = new Set<string>();
    const visited = new Set<TS.Node>();
    const queue = [...roots];
    while (queue.length > 0) {
      const root = queue.pop() as TS.Node;
      if (visited.has(root)) continue;
      visited.add(root);
      this.walk(root, (declaration) => {
        const name = this.queueEndpoints.get(declaration);
        if (name !== undefined) {
          if (name !== self) found.add(name);
        } else if (
          !this.app.ts.isSourceFile(declaration) &&
          this.isAppCode(declaration) &&
          !visited.has(declaration)
        ) {
          queue.push(declaration); // a helper of the app: what it reaches, the caller reaches
        }
      });
    }
    return [...found].sort();
  }

  private isAppCode(node: TS.Node): boolean {
    return this.app.appFiles.has(node.getSourceFile().fileName);
  }

  /** Calls `reached` with the declaration behind every value reference under `node`. */
  private walk(node: TS.Node, reached: (declaration: TS.Node) => void): void {
    const { ts } = this.app;
    const visit = (n: TS.Node): void => {
      if (
        ts.isTypeNode(n) ||
        ts.isInterfaceDeclaration(n) ||
        ts.isTypeAliasDeclaration(n) ||
        ts.isImportDeclaration(n)
      )
        return;
      if (ts.isIdentifier(n) && !this.isDeclarationName(n)) {
        const declaration = this.declarationOf(n);
        if (declaration) reached(declaration);
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
  }

  private isDeclarationName(n: TS.Identifier): boolean {
    const { ts } = this.app;
    const parent = n.parent;
    return (
      (ts.isVariableDeclaration(parent) ||
        ts.isFunctionDeclaration(parent) ||
        ts.isParameter(parent) ||
        ts.isClassDeclaration(parent) ||
        ts.isMethodDeclaration(parent) ||
        ts.isPropertyAssignment(parent)) &&
      parent.name === n
    );
  }

  private declarationOf(n: TS.Identifier): TS.Node | undefined {
    const { ts, checker } = this.app;
    const symbol = resolveSymbol(this.app, checker.getSymbolAtLocation(n));
    let declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    // `const { preprocess } = await import('./cpu_worker')`: follow the binding to the module's export.
    for (let i = 0; declaration && ts.isBindingElement(declaration) && i < 5; i++) {
      const property = declaration.propertyName ?? declaration.name;
      if (!ts.isIdentifier(property) && !ts.isStringLiteral(property)) return undefined;
      const type = checker.getTypeAtLocation(declaration.parent);
      const target = resolveSymbol(this.app, type.getProperty(property.text));
      declaration = target?.valueDeclaration ?? target?.declarations?.[0];
    }
    return declaration;
  }
}
