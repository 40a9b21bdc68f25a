import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("vector", ["vector.md"], 25);
