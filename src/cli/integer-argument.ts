import { InvalidArgumentError } from 'commander';

/** A commander argument parser for a whole number from `min` to `max`; `expected` tells the user what to give. */
export function integerArgument(min: number, max: number, expected: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(expected);
    return n;
  };
}
