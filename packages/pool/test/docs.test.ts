import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("pool", ["pools.md"], 25);
