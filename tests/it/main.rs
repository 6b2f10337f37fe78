mod util;
mod geocode;
mod gazetteer;
mod extract;
mod eval;
