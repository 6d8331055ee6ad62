/** Exit codes are part of the CLI contract (README "Exit codes"). */
export const ExitCode = {
  passed: 0,
  failed: 1,
  usage: 2,
  cannotRun: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that carries a stable code and the exit code the CLI maps it to. */
export class StrainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'StrainError';
  }
}

/** Bad command line or invalid profile: exit 2. */
export class UsageError extends StrainError {
  constructor(message: string, details: string[] = []) {
    super('STRAIN_USAGE', message, ExitCode.usage, details);
  }
}

/** Profile failed validation; details holds every `path: problem` line. */
export class ProfileError extends StrainError {
  constructor(file: string, problems: string[]) {
    super('STRAIN_PROFILE_INVALID', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, ExitCode.usage, problems);
  }
}

/** The run could not start: target unreachable, store unwritable. Exit 3. */
export class CannotRunError extends StrainError {
  constructor(code: string, message: string) {
    super(code, message, ExitCode.cannotRun);
  }
}
