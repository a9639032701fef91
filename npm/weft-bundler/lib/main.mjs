// `import { build } from 'weft-bundler'`: the same functions as `require`.
import weft from './main.js';

export const { build, version } = weft;
