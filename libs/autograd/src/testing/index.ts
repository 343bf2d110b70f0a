/** `@fedstroke/autograd/testing`: the float64 reference ops and the gradient check other packages' tests build on. */
export * from './gradient-check';
export * from './reference-ops';
