using System.Buffers;

namespace SharedList.Service;

/// <summary>Writes a reply that <see cref="HeldReplies{TReply}"/> held for a commit, once that commit is done: the session's own rendering.</summary>
/// <typeparam name="TReply">What the session holds per reply.</typeparam>
internal interface IHeldReplyWriter<TReply>
{
    /// <summary>Writes <paramref name="reply"/>, its store result resolved.</summary>
    /// <returns>False when the reply did not fit the output budget and goes on in a later call (a long list): nothing after it may be written before it ends.</returns>
    bool WriteHeld(IBufferWriter<byte> output, in TReply reply);
}
