import type { Kind, Stage } from '../../core/profile';
import type { UserLoad } from '../types';
import { expandLoad } from './load';
import { expandSoak } from './soak';
import { expandSpike } from './spike';
import { expandStress } from './stress';

/** One expander per profile kind; adding a kind is adding a file and a line here. */
export const kindExpanders: Record<Kind, (load: UserLoad, level: number) => Stage[]> = {
  load: expandLoad,
  soak: expandSoak,
  stress: (load) => expandStress(load),
  spike: (load) => expandSpike(load),
};
