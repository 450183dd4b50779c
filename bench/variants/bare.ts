import type { PartsFactory } from './app-shape';

/** Express with no authentication at all: the floor every ratio is measured against. */
export const bareParts: PartsFactory = () => ({ subjectOf: () => undefined });
