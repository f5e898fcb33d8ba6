using System.Security.Cryptography;
using System.Text;

namespace SharedList.Service;

/// <summary>
/// The password clients must send with <c>AUTH</c>. Keeps only the SHA-256 of its UTF-8 bytes and prints as
/// <c>***</c>, so settings that hold one can be logged or shown in a debugger without leaking it.
/// </summary>
/// <remarks>
/// <see cref="Matches"/> hashes the candidate too and compares the two digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>: the time taken depends neither on how many leading
/// bytes are right nor on the candidate's length (the digests are always 32 bytes), so a client cannot guess
/// the password byte by byte by timing replies. Immutable, so safe to share between threads.
/// </remarks>
public sealed class Password
{
    private readonly byte[] _digest;

    /// <summary>Creates a password. An empty one is refused: an empty password means none (see <see cref="FromOptional"/>).</summary>
    /// <param name="value">The password. Line breaks are refused: a line-framed client could not send them.</param>
    public Password(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("A password cannot contain line breaks.", nameof(value));
        }

        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A password, or null for null or empty (no password: every client is served).</summary>
    /// <param name="value">The configured value, for example an option or an environment variable.</param>
    public static Password? FromOptional(string? value) => string.IsNullOrEmpty(value) ? null : new Password(value);

    /// <summary>Whether <paramref name="candidate"/> (UTF-8 bytes, as received) is this password. Constant-time.</summary>
    /// <param name="candidate">What the client sent after <c>AUTH </c>; need not be valid UTF-8.</param>
    public bool Matches(ReadOnlySpan<byte> candidate)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(candidate, digest);
        return CryptographicOperations.FixedTimeEquals(digest, _digest);
    }

    /// <summary>Never the password.</summary>
    public override string ToString() => "***";
}
