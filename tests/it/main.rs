mod layers;
mod util;
mod geocode;
mod gazetteer;
mod extract;
mod eval;
mod web;
mod feeds;
