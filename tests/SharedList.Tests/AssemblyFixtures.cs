// Created once before any test of this assembly runs.
[assembly: AssemblyFixture(typeof(TestHostThreads))]
