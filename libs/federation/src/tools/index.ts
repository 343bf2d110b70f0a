/** `@fedstroke/federation/tools`: measuring the aggregators (what `fedstroke bench aggregate` runs). */
export * from './aggregate-bench';
