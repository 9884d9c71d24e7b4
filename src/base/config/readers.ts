/** Where Strata runs: development serves GraphiQL and detailed logs; production refuses unsafe settings. */
export type Mode = 'development' | 'production' | 'test';

/** The environment variables configuration is read from. */
export type Env = Record<string, string | undefined>;

/** Typed readers of one environment; a bad value is recorded in `problems` and the fallback used. */
export interface Readers {
  env: Env;
  mode: Mode;
  problems: string[];
  int(name: string, fallback: number, min?: number): number;
  bool(name: string, fallback: boolean): boolean;
}

export function createReaders(env: Env, mode: Mode, problems: string[]): Readers {
  const int = (name: string, fallback: number, min = 0): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer >= ${min}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${env[name]}"`);
    return fallback;
  };
  return { env, mode, problems, int, bool };
}
