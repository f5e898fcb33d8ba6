namespace SharedList.Cli;

/// <summary>
/// Makes .NET run async socket continuations on its socket engine's thread instead of posting each one to the
/// thread pool: one thread hop (a queue and often a wake-up) less for whatever the async model does on that
/// engine: its accepts, its TLS connections, sends a client is slow to take, and, on systems other than Linux
/// (where it waits on its own epoll), every wait for bytes. Safe here because the service never blocks in a
/// continuation: sessions only parse, touch the store under a short lock and write to memory; closes are
/// non-blocking.
/// </summary>
/// <remarks>
/// The runtime reads the variable once, when the first socket does async I/O, so this must run before the
/// server starts. A value the user already set (<c>0</c> to keep the thread pool) is left as it is.
/// </remarks>
internal static class InlineSocketCompletions
{
    /// <summary>The runtime's switch.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless <see cref="Variable"/> is already set.</summary>
    public static void EnableUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
