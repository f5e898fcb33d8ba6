namespace TestSupport;

/// <summary>
/// Sizes the test host's thread pool before any test runs; each test project names it as an assembly fixture
/// (<c>[assembly: AssemblyFixture(typeof(TestHostThreads))]</c>).
/// </summary>
/// <remarks>
/// Many tests drive clients with blocking socket calls from async test methods, and xunit runs test classes in
/// parallel: the blocked pool threads then delay the in-process servers' own continuations (and the tests'
/// timers) while the pool grows a thread at a time, which on a loaded machine looked like server timeouts.
/// Starting with enough threads keeps the servers under test measured, not the pool's growth. Measured in the
/// abuse tests (SchedulingLag): with the default minimum (one thread per core) the load generator itself stalled
/// for up to 0.8 s while the pool grew; with 64+ threads ready, under 0.05 s.
/// </remarks>
public sealed class TestHostThreads
{
    public TestHostThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 128), Math.Max(completionPorts, 128));
    }
}
