import { describeDocumentation } from "@offheap/test-support/examples";

describeDocumentation("core", ["getting-started.md", "heap.md", "debugging.md"], 20);
