export type { CheckExpectation, CheckTestCase, ExpectedFinding } from './check-tester.js';
export { CheckTester } from './check-tester.js';
