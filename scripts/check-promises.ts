// Finds promises that are neither awaited, returned, voided nor handled: with services and repositories
// asynchronous, a forgotten `await` lets a use case go on before its write has happened, or loses its error.
// Biome's own check cannot see through Fastify's decorated `app.services`; this one asks TypeScript's checker.
//   npx tsx scripts/check-promises.ts   (npm test runs it after the type check)
import ts from 'typescript';

const configPath = ts.findConfigFile('.', ts.sys.fileExists, 'tsconfig.json');
if (!configPath) throw new Error('no tsconfig.json');
const config = ts.getParsedCommandLineOfConfigFile(
  configPath,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} },
);
if (!config) throw new Error('tsconfig.json could not be read');
const program = ts.createProgram(config.fileNames, config.options);
const checker = program.getTypeChecker();

function isPromise(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.some(isPromise);
  const then = type.getProperty('then');
  if (!then) return false;
  const thenType = checker.getTypeOfSymbol(then);
  return thenType.getCallSignatures().length > 0;
}

const TAP_TRACKED = new Set(['test', 'rejects', 'resolves', 'resolveMatch', 'resolveMatchOnly']);

/**
 * `.catch(handler)` or `.then(ok, failed)` anywhere in a chain (`work().catch(log).finally(done)`) handles its
 * promise; tap tracks the subtests and assertions it returns promises for.
 */
function handledInChain(call: ts.CallExpression): boolean {
  let node: ts.Expression = call;
  while (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const name = node.expression.name.text;
    if (name === 'catch' && node.arguments.length > 0) return true;
    if (name === 'then' && node.arguments.length > 1) return true;
    if (TAP_TRACKED.has(name)) return true;
    node = node.expression.expression;
  }
  return false;
}

const problems: string[] = [];
for (const source of program.getSourceFiles()) {
  if (source.isDeclarationFile || source.fileName.includes('node_modules')) continue;
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node)) {
      let expression = node.expression;
      while (ts.isParenthesizedExpression(expression)) expression = expression.expression;
      const handled =
        ts.isVoidExpression(expression) ||
        ts.isAwaitExpression(expression) ||
        (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken);
      if (!handled && (ts.isCallExpression(expression) || ts.isPropertyAccessExpression(expression))) {
        const callee = ts.isCallExpression(expression) ? expression.expression : expression;
        const handledByCall = ts.isCallExpression(expression) && handledInChain(expression);
        const type = checker.getTypeAtLocation(expression);
        // Fastify's reply is thenable so a handler may return it; setting a header on it starts nothing.
        const isReply = checker.typeToString(type).startsWith('FastifyReply');
        if (!handledByCall && !isReply && isPromise(type)) {
          const { line, character } = source.getLineAndCharacterOfPosition(node.getStart());
          problems.push(`${source.fileName}:${line + 1}:${character + 1} ${node.getText().slice(0, 100)}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
for (const problem of problems) console.log(problem);
if (problems.length > 0) {
  console.error(`${problems.length} promise(s) neither awaited, returned, voided nor handled`);
  process.exit(1);
}
