export * from './clusters';
export * from './posture';
export * from './history';
export * from './findings';
export * from './reachability';
export * from './analyze';
export * from './evidence';
export * from './session';
