// Placeholder until the framework lands: re-exports are added here.
export {};
