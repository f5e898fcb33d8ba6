namespace SharedList.Bench.Load;

/// <summary>
/// Frames the replies of one connection as bytes arrive, in any pieces, without buffering them or allocating:
/// it keeps only the state of the reply in progress, so a 50 MB <c>LIST</c> costs no memory.
/// </summary>
/// <remarks>One per connection; not thread-safe.</remarks>
public abstract class ReplyScanner
{
    /// <summary>
    /// Consumes bytes from <paramref name="data"/> up to the end of the next complete reply and returns true
    /// with its kind; returns false once every byte has been consumed into the reply in progress.
    /// Call it until it returns false. Throws <see cref="InvalidDataException"/> on bytes that cannot be framed.
    /// </summary>
    public abstract bool TryNext(ref ReadOnlySpan<byte> data, out ReplyKind kind);

    /// <summary>Forgets the reply in progress (a new connection).</summary>
    public abstract void Reset();
}
