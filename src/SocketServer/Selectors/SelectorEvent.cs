namespace SocketServer.Selectors;

/// <summary>One socket a <see cref="Selector"/> found ready: the token it was registered with, and what it is ready for.</summary>
/// <param name="Token">The number given to <see cref="Selector.Register"/>, which says whose socket it is.</param>
/// <param name="Events">What the socket is ready for; may include <see cref="SelectorEvents.Error"/> and <see cref="SelectorEvents.HangUp"/> even when not asked for.</param>
public readonly record struct SelectorEvent(ulong Token, SelectorEvents Events);
