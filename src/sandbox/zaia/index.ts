// PLACEHOLDER — replaced by the zaia simulator implementation.
import type { SandboxProvider, SimulatorOptions } from '../types.js';

export declare function createZaiaSimulator(options: SimulatorOptions): SandboxProvider<'zaia'>;
