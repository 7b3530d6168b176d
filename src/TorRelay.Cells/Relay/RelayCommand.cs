namespace TorRelay.Cells.Relay;

/// <summary>Relay cell commands (tor-spec §6.1; C tor or.h RELAY_COMMAND_*).</summary>
public enum RelayCommand : byte
{
    Begin = 1,
    Data = 2,
    End = 3,
    Connected = 4,
    Sendme = 5,
    Extend = 6,
    Extended = 7,
    Truncate = 8,
    Truncated = 9,
    Drop = 10,
    Resolve = 11,
    Resolved = 12,
    BeginDir = 13,
    Extend2 = 14,
    Extended2 = 15,

    // Conflux (proposal 329).
    ConfluxLink = 19,
    ConfluxLinked = 20,
    ConfluxLinkedAck = 21,
    ConfluxSwitch = 22,

    // Onion services (rend-spec-v3).
    EstablishIntro = 32,
    EstablishRendezvous = 33,
    Introduce1 = 34,
    Introduce2 = 35,
    Rendezvous1 = 36,
    Rendezvous2 = 37,
    IntroEstablished = 38,
    RendezvousEstablished = 39,
    IntroduceAck = 40,

    // Circuit padding (padding-spec).
    PaddingNegotiate = 41,
    PaddingNegotiated = 42,

    // Stream flow control (proposal 324).
    Xoff = 43,
    Xon = 44,
}
