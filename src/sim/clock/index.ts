export { ScaledClock } from './scaled-clock.js';
