/**
 * Hidden-class anchors for the hot paths.
 *
 * V8 reaches the hidden class ("map") of a class's instances from the class through
 * transitions that it holds weakly. When a full garbage collection finds no instance alive
 * (a parse that has finished, a hash that has been digested), those maps die, and every
 * optimized function that was specialised on them is thrown away. The next call builds new
 * maps and runs slowly until the functions are optimized again, which takes hundreds of calls.
 * A server pays this after every full collection that happens between two packages. Measured
 * with `gc()` between batches of five calls: `parseXmlTree` of a 1 MB package took 0.63 ms a
 * call instead of 0.19.
 *
 * One instance of each such class, built when its module loads and held here for the life
 * of the process, keeps the maps, and with them the optimized code.
 * @internal
 * @module
 */

const anchors: object[] = [];

/**
 * Holds `instance` for the life of the process, so that the hidden class of its kind
 * survives collections. Give it an instance built the way the hot path builds them (same
 * fields, in the same order), and never change it afterwards.
 */
export function keepShape<T extends object>(instance: T): T {
  anchors.push(instance);
  return instance;
}
