// The factor types of one createTwoFactor: the only place the engine and the operations learn
// what a factor is. Authenticator apps come first and are always there; the app's modules
// (`factors: [...]`) follow in the order given, which is also the order proofs are tried in.
import { FactorkitError } from '../../errors/index.js';
import type { RegisteredModule } from '../kernel/built-in.js';
import type { FactorRecord } from '../kernel/factor.js';
import { checkFactorBase, corrupt, isObject } from '../kernel/parse.js';

/** DELIVERY_NOT_CONFIGURED: a delivered-code call or option without the module registered. */
export function deliveryNotConfigured(): FactorkitError {
  return new FactorkitError(
    'DELIVERY_NOT_CONFIGURED',
    "delivered codes need their module: pass factors: [deliveredCodes({ deliver })] from 'factorkit/delivered'",
  );
}

export interface Registry {
  readonly modules: readonly RegisteredModule[];
  /** The registered types, in registry order. */
  readonly types: readonly string[];
  /** The module of a parsed factor. */
  moduleOf(factor: FactorRecord): RegisteredModule;
  /** A stored factor, validated by the module of its type. */
  parseFactor(userId: string, raw: unknown): FactorRecord;
  /** The factors of a version-1 record, read by the module that kept them. */
  readVersion1(userId: string, raw: Record<string, unknown>): FactorRecord[];
  /** The module `beginEnrollment`'s options are for: named by `type`, else the first that takes them. */
  forEnrollment(options: Record<string, unknown>): RegisteredModule;
  /** A registry position per factor type: proofs are tried in this order. */
  rank(factor: FactorRecord): number;
}

const TYPE = /^[a-z][a-z0-9-]{0,31}$/;
/** Names a stored record uses for other things than factors: a factor type cannot take them. */
const RESERVED_TYPES = new Set(['backup', 'unknown']);

function checkModule(value: unknown, index: number): RegisteredModule {
  const where = `factors[${index}]`;
  if (!isObject(value)) throw new FactorkitError('INVALID_ARGUMENT', `${where} must be a factor module`);
  const module = value as Partial<RegisteredModule>;
  if (typeof module.type !== 'string' || !TYPE.test(module.type) || RESERVED_TYPES.has(module.type)) {
    throw new FactorkitError('INVALID_ARGUMENT', `${where}.type must be 1 to 32 lower-case letters, digits and dashes`);
  }
  if (typeof module.label !== 'string' || module.label.trim().length === 0 || module.label.length > 64) {
    throw new FactorkitError('INVALID_ARGUMENT', `${where}.label must be a name of 1 to 64 characters`);
  }
  const max = module.maxActive;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 32) {
    throw new FactorkitError('INVALID_ARGUMENT', `${where}.maxActive must be an integer from 1 to 32`);
  }
  for (const name of ['strength', 'parse', 'enrollsWith', 'accepts', 'check'] as const) {
    if (typeof module[name] !== 'function') {
      throw new FactorkitError('INVALID_ARGUMENT', `${where}.${name} must be a function`);
    }
  }
  if (typeof module.prepareEnrollment !== 'function' && typeof module.beginEnrollment !== 'function') {
    throw new FactorkitError('INVALID_ARGUMENT', `${where}.prepareEnrollment must be a function`);
  }
  return module as RegisteredModule;
}

/** The registry of `builtIn` (always there) and the app's `factors` option, checked. */
export function createRegistry(builtIn: RegisteredModule, factors: unknown): Registry {
  if (factors !== undefined && !Array.isArray(factors)) {
    throw new FactorkitError('INVALID_ARGUMENT', 'factors must be an array of factor modules');
  }
  const modules = [builtIn, ...((factors ?? []) as unknown[]).map(checkModule)];
  const byType = new Map<string, RegisteredModule>();
  for (const module of modules) {
    if (byType.has(module.type)) {
      throw new FactorkitError('INVALID_ARGUMENT', `factor type '${module.type}' is registered twice`);
    }
    byType.set(module.type, module);
  }
  const ranks = new Map(modules.map((module, i) => [module.type, i]));

  return {
    modules,
    types: modules.map((module) => module.type),
    moduleOf(factor) {
      const module = byType.get(factor.type);
      if (module === undefined) throw new FactorkitError('INVALID_ARGUMENT', `no factor type '${factor.type}'`);
      return module;
    },
    parseFactor(userId, raw) {
      if (!isObject(raw)) throw corrupt(userId, 'bad factor');
      const module = typeof raw.type === 'string' ? byType.get(raw.type) : undefined;
      if (module === undefined) throw corrupt(userId, 'unknown factor type');
      checkFactorBase(userId, raw);
      let parsed: FactorRecord;
      try {
        parsed = module.parse(raw, userId);
      } catch (error) {
        if (error instanceof FactorkitError && error.code === 'CORRUPT_RECORD') throw error;
        throw corrupt(userId, `bad ${module.type} factor`, error);
      }
      if (parsed.type !== module.type) throw corrupt(userId, `bad ${module.type} factor`);
      return parsed;
    },
    readVersion1(userId, raw) {
      return modules.flatMap((module) => module.readVersion1?.(userId, raw) ?? []);
    },
    forEnrollment(options) {
      if (options.type !== undefined) {
        const named = typeof options.type === 'string' ? byType.get(options.type) : undefined;
        if (named === undefined) {
          throw new FactorkitError(
            'INVALID_ARGUMENT',
            `type must be a registered factor type: ${[...byType.keys()].join(', ')}`,
          );
        }
        return named;
      }
      const takers = modules.filter((module) => module.enrollsWith(options));
      if (takers.length > 1) {
        const types = takers.map((module) => module.type).join(', ');
        throw new FactorkitError(
          'INVALID_ARGUMENT',
          `options fit more than one factor type (${types}): give one kind's options`,
        );
      }
      if (takers.length === 1) return takers[0]!;
      // Delivered codes are the one factorkit module an app may have forgotten to register.
      if ('channel' in options) throw deliveryNotConfigured();
      return builtIn;
    },
    rank(factor) {
      return ranks.get(factor.type) ?? modules.length;
    },
  };
}
