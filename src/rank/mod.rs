//! Customer-importance ranking: purchase value (RFM, CLV), network value, blend, roles,
//! lifecycle stages and explanations.
